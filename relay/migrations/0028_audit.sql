-- The audit trail (issue 21): staff logins and failures, every view, status change and export
-- of a pre-application, every change in /admin; who (a staff id), when, what, to which thing.
-- Ids and the relay's own words only, never a resident's data. Appended, never changed: an
-- UPDATE is refused here; rows are deleted only past the retention period
-- (MADO_AUDIT_RETENTION_DAYS, 365 by default).
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms BIGINT NOT NULL,
    action TEXT NOT NULL,
    staff_id BIGINT,
    office_id TEXT,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit (at_ms);
CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
