-- Names of the office, its services and counters in the resident languages other than
-- Japanese and English (issue 22): a JSON object by language code ({"vi": "…"}), edited in
-- /admin; '{}' where none is set (residents then see the Japanese).
ALTER TABLE offices ADD COLUMN names TEXT NOT NULL DEFAULT '{}';
ALTER TABLE services ADD COLUMN names TEXT NOT NULL DEFAULT '{}';
ALTER TABLE counters ADD COLUMN names TEXT NOT NULL DEFAULT '{}';
