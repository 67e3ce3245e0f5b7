-- Issue 19 item 8: a counter record says which counter served the visit (each counter's part
-- when a resident was sent on), for the office's view by counter.
ALTER TABLE guide_records ADD COLUMN counter_id BIGINT;
CREATE INDEX guide_records_counter ON guide_records (office_id, counter_id, created_at_ms);
