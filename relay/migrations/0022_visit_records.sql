-- Issue 19: a counter record keeps how many fields the printed forms left for the resident's
-- hand, when the visit began, was printed and was done, and the key the counter sent it with
-- (its outbox may send a record again after a lost answer: the same key gives the same record).
ALTER TABLE guide_records ADD COLUMN hand_fields INTEGER;
ALTER TABLE guide_records ADD COLUMN started_at_ms INTEGER;
ALTER TABLE guide_records ADD COLUMN printed_at_ms INTEGER;
ALTER TABLE guide_records ADD COLUMN done_at_ms INTEGER;
ALTER TABLE guide_records ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX guide_records_key ON guide_records (office_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
