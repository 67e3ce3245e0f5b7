-- Which forms were printed with a guide record (template ids, JSON array).
ALTER TABLE guide_records ADD COLUMN printed_forms TEXT NOT NULL DEFAULT '[]';
