-- PostgreSQL schema, the same as ../0004_printed_for.sql for SQLite: BIGINT for integers, identity columns
-- for row ids.
-- Whom the printed forms were for (the applicant's name as printed on them). Staff-only.
ALTER TABLE guide_records ADD COLUMN printed_for TEXT NOT NULL DEFAULT '';
