-- PostgreSQL schema, the same as ../0003_printed_forms.sql for SQLite: BIGINT for integers, identity columns
-- for row ids.
-- Which forms were printed with a guide record (template ids, JSON array).
ALTER TABLE guide_records ADD COLUMN printed_forms TEXT NOT NULL DEFAULT '[]';
