-- Online pre-applications (issue 6). The body is the resident's pre-application as JSON
-- (guide answers, chosen procedures, details): personal data, staff-only, never logged, and
-- deleted after the retention period. Only a hash of the resident's capability token is kept.
CREATE TABLE submissions (
    id              INTEGER PRIMARY KEY,
    office_id       TEXT NOT NULL REFERENCES offices(id),
    code            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    idempotency_key TEXT,
    pack            TEXT NOT NULL,
    city            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('received', 'in_progress', 'completed', 'returned')),
    created_at_ms   INTEGER NOT NULL,
    updated_at_ms   INTEGER NOT NULL,
    reservation_id  INTEGER REFERENCES reservations(id),
    body            TEXT NOT NULL,
    UNIQUE (office_id, code),
    UNIQUE (office_id, idempotency_key)
);
CREATE INDEX submissions_inbox ON submissions (office_id, created_at_ms);
CREATE INDEX submissions_retention ON submissions (updated_at_ms);

-- Every status a pre-application went through, in order.
CREATE TABLE submission_history (
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    status        TEXT NOT NULL,
    at_ms         INTEGER NOT NULL,
    staff_id      INTEGER REFERENCES staff(id),
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (submission_id, seq)
);

-- What is left of purged pre-applications: counts per office, day sent, life event and
-- final status. Nothing here identifies anyone.
CREATE TABLE submission_stats (
    office_id TEXT NOT NULL,
    day       TEXT NOT NULL,
    pack      TEXT NOT NULL,
    status    TEXT NOT NULL,
    count     INTEGER NOT NULL,
    PRIMARY KEY (office_id, day, pack, status)
);

-- When a ticket's service ended (done, no-show or transferred), for service-time statistics.
ALTER TABLE tickets ADD COLUMN finished_at_ms INTEGER;
