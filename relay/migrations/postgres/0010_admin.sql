-- PostgreSQL schema, the same as ../0010_admin.sql for SQLite.
-- Editing in /admin (issue 6). A service or counter taken out of use is retired, not deleted:
-- the day's tickets and the statistics still name it. A staff account is disabled, not
-- deleted: guide records and status histories still name who made them.
ALTER TABLE services ADD COLUMN retired BIGINT NOT NULL DEFAULT 0;
ALTER TABLE counters ADD COLUMN retired BIGINT NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN disabled BIGINT NOT NULL DEFAULT 0;
