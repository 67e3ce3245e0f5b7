-- Offices, their services and counters. Configuration, no personal data.
CREATE TABLE offices (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    name_en  TEXT NOT NULL
);

CREATE TABLE services (
    office_id        TEXT NOT NULL REFERENCES offices(id),
    id               TEXT NOT NULL,
    prefix           TEXT NOT NULL,
    name             TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    avg_service_secs INTEGER NOT NULL CHECK (avg_service_secs > 0),
    sort             INTEGER NOT NULL,
    PRIMARY KEY (office_id, id)
);

CREATE TABLE counters (
    id         INTEGER PRIMARY KEY,
    office_id  TEXT NOT NULL REFERENCES offices(id),
    label      TEXT NOT NULL,
    label_en   TEXT NOT NULL,
    sort       INTEGER NOT NULL
);

CREATE TABLE counter_services (
    counter_id INTEGER NOT NULL REFERENCES counters(id),
    office_id  TEXT NOT NULL,
    service_id TEXT NOT NULL,
    PRIMARY KEY (counter_id, service_id),
    FOREIGN KEY (office_id, service_id) REFERENCES services(office_id, id)
);

-- Queue tickets. A number is unique per office, prefix and day; nothing here identifies a person.
CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    office_id       TEXT NOT NULL REFERENCES offices(id),
    service_id      TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    day             TEXT NOT NULL,          -- office-local date, YYYY-MM-DD
    seq             INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'no_show', 'done')),
    issued_at_ms    INTEGER NOT NULL,
    called_at_ms    INTEGER,
    counter_id      INTEGER REFERENCES counters(id),
    idempotency_key TEXT,
    UNIQUE (office_id, prefix, day, seq),
    UNIQUE (office_id, idempotency_key),
    FOREIGN KEY (office_id, service_id) REFERENCES services(office_id, id)
);
CREATE INDEX tickets_queue ON tickets (office_id, day, status, service_id, issued_at_ms);

-- Every change to a ticket, in order: the source of server-sent events and of their replay.
CREATE TABLE events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    office_id TEXT NOT NULL REFERENCES offices(id),
    at_ms     INTEGER NOT NULL,
    payload   TEXT NOT NULL                 -- the QueueEvent as JSON
);
CREATE INDEX events_office ON events (office_id, id);

-- Staff accounts and their sessions. Only a hash of the session token is stored.
CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
    password_hash TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    staff_id      INTEGER NOT NULL REFERENCES staff(id),
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
);
