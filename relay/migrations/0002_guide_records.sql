-- The procedure guide's result kept with the counter record: answers, the final list with
-- staff marks, and the pack version it was made with. Personal data: staff-only, never logged.
CREATE TABLE guide_records (
    id            INTEGER PRIMARY KEY,
    office_id     TEXT NOT NULL REFERENCES offices(id),
    staff_id      INTEGER NOT NULL REFERENCES staff(id),
    created_at_ms INTEGER NOT NULL,
    pack          TEXT NOT NULL,
    pack_version  TEXT NOT NULL,
    city          TEXT NOT NULL,
    ref_date      TEXT NOT NULL,
    answers       TEXT NOT NULL,
    procedures    TEXT NOT NULL,
    ticket_id     INTEGER REFERENCES tickets(id)
);
CREATE INDEX guide_records_office ON guide_records (office_id, created_at_ms);
