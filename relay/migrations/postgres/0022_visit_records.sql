-- PostgreSQL, as ../0022_visit_records.sql for SQLite: a counter record keeps the fields left
-- for the hand, the visit's times, and the key the counter's outbox sent it with.
ALTER TABLE guide_records ADD COLUMN hand_fields BIGINT;
ALTER TABLE guide_records ADD COLUMN started_at_ms BIGINT;
ALTER TABLE guide_records ADD COLUMN printed_at_ms BIGINT;
ALTER TABLE guide_records ADD COLUMN done_at_ms BIGINT;
ALTER TABLE guide_records ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX guide_records_key ON guide_records (office_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
