-- A service's walk-in cut-off: tickets end this many minutes before the day's closing
-- (受付は16:45まで at an office closing 17:15; issue 17 item 6). 0: until the closing.
ALTER TABLE services ADD COLUMN walk_in_cutoff_minutes INTEGER NOT NULL DEFAULT 0 CHECK (walk_in_cutoff_minutes BETWEEN 0 AND 240);
