-- Issue 19 item 6: a visit handed over with its ticket to another counter (「回さない」窓口).
-- Kept only while the ticket waits or is being served: deleted when it is done or a no-show,
-- and with the day's tickets.
CREATE TABLE handovers (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id),
    office_id TEXT NOT NULL,
    from_counter_id INTEGER,
    title TEXT NOT NULL,
    procedures TEXT NOT NULL,
    visit TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX handovers_office ON handovers (office_id);
