-- PostgreSQL, as ../0023_handovers.sql for SQLite: a visit handed over with its ticket.
CREATE TABLE handovers (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets (id),
    office_id TEXT NOT NULL,
    from_counter_id BIGINT,
    title TEXT NOT NULL,
    procedures TEXT NOT NULL,
    visit TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX handovers_office ON handovers (office_id);
