-- SQLite gains the index tickets_issued (office_id, day, issued_at_ms) that PostgreSQL has had
-- since 0014; nothing changes here. The version is kept in step with SQLite's.
SELECT 1;
