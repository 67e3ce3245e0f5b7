-- Per-account lockout after wrong passwords (issue 21 item 8): how many in a row, and until
-- when the account takes no password (0: not locked). An admin lifts it in /admin.
ALTER TABLE staff ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN locked_until_ms BIGINT NOT NULL DEFAULT 0;
