-- PostgreSQL schema, the same as ../0006_ticket_reservations.sql for SQLite: BIGINT for integers, identity columns
-- for row ids.
-- A ticket made by checking in a reservation knows it, and when its slot starts: the calling
-- policy (mado_wire::policy) calls due reservations before walk-ins.
ALTER TABLE tickets ADD COLUMN reservation_id BIGINT REFERENCES reservations(id);
ALTER TABLE tickets ADD COLUMN slot_start_ms BIGINT;
