-- Kiosks and displays (issue 6). A device is created by an admin with a one-time pairing
-- code; typing the code on the device pairs it and gives it a device token. Only SHA-256
-- hashes of codes and tokens are stored.
CREATE TABLE devices (
    id                 INTEGER PRIMARY KEY,
    office_id          TEXT NOT NULL REFERENCES offices(id),
    kind               TEXT NOT NULL CHECK (kind IN ('kiosk', 'display')),
    label              TEXT NOT NULL,
    created_at_ms      INTEGER NOT NULL,
    pairing_hash       TEXT UNIQUE,
    pairing_expires_ms INTEGER,
    token_hash         TEXT UNIQUE,
    paired_at_ms       INTEGER,
    last_seen_ms       INTEGER,
    revoked_at_ms      INTEGER
);
CREATE INDEX devices_office ON devices (office_id, kind);
