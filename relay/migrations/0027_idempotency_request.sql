-- Idempotency keys bound to their request (issue 21 item 3): with each key its caller sent,
-- the SHA-256 of the request it came with (relay/src/headers.rs). A key sent again with
-- another request is refused (422 idempotency_key_reused) instead of answered with the first
-- request's result. Keys are now stored scoped to their caller ("d12 KEY", "s3 KEY", "p KEY");
-- keys stored before this migration have no hash and are never matched again.
ALTER TABLE tickets ADD COLUMN idempotency_request TEXT;
ALTER TABLE reservations ADD COLUMN idempotency_request TEXT;
ALTER TABLE submissions ADD COLUMN idempotency_request TEXT;
ALTER TABLE guide_records ADD COLUMN idempotency_request TEXT;

-- The counter saves its visit's record by the visit's id (PUT …/guide-records/visits/{visit}):
-- saved again before the visit is finished, the record is replaced, not duplicated.
ALTER TABLE guide_records ADD COLUMN visit_id TEXT;
CREATE UNIQUE INDEX guide_records_visit ON guide_records (office_id, visit_id)
    WHERE visit_id IS NOT NULL;
