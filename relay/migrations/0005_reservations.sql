-- Reservations (issue 6). Opening hours and slot rules are configuration; a reservation keeps
-- only what check-in needs: its slot, a hash of the capability token, a short code and, if the
-- resident gave a phone number and birth date for checking in, a keyed hash of the two (never
-- the number itself).

-- When each office is open: mado_wire::calendar::OfficeCalendar as JSON.
CREATE TABLE office_calendars (
    office_id TEXT PRIMARY KEY REFERENCES offices(id),
    calendar  TEXT NOT NULL
);

-- Which services take bookings, in slots of how many minutes and places, how far ahead.
CREATE TABLE slot_rules (
    office_id     TEXT NOT NULL,
    service_id    TEXT NOT NULL,
    minutes       INTEGER NOT NULL CHECK (minutes > 0),
    capacity      INTEGER NOT NULL CHECK (capacity > 0),
    horizon_days  INTEGER NOT NULL CHECK (horizon_days > 0),
    lead_minutes  INTEGER NOT NULL CHECK (lead_minutes >= 0),
    PRIMARY KEY (office_id, service_id),
    FOREIGN KEY (office_id, service_id) REFERENCES services(office_id, id)
);

-- Places taken per slot. The CHECK is what makes double booking impossible: a booking is a
-- conditional increment (booked < capacity), atomic in SQLite and PostgreSQL alike.
CREATE TABLE slot_counts (
    office_id  TEXT NOT NULL,
    service_id TEXT NOT NULL,
    day        TEXT NOT NULL,
    start_min  INTEGER NOT NULL,
    capacity   INTEGER NOT NULL,
    booked     INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    PRIMARY KEY (office_id, service_id, day, start_min)
);

CREATE TABLE reservations (
    id              INTEGER PRIMARY KEY,
    office_id       TEXT NOT NULL REFERENCES offices(id),
    service_id      TEXT NOT NULL,
    day             TEXT NOT NULL,
    start_min       INTEGER NOT NULL,
    end_min         INTEGER NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    code            TEXT NOT NULL,
    checkin_hash    TEXT,
    status          TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'checked_in')),
    created_at_ms   INTEGER NOT NULL,
    idempotency_key TEXT,
    UNIQUE (office_id, code),
    UNIQUE (office_id, idempotency_key),
    FOREIGN KEY (office_id, service_id) REFERENCES services(office_id, id)
);
CREATE INDEX reservations_day ON reservations (office_id, day, status);
CREATE INDEX reservations_checkin ON reservations (office_id, day, checkin_hash);

-- Secrets the relay makes for itself on first start (the key that derives capability tokens
-- for retried bookings).
CREATE TABLE relay_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
