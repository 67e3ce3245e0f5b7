-- Whom the printed forms were for (the applicant's name as printed on them). Staff-only.
ALTER TABLE guide_records ADD COLUMN printed_for TEXT NOT NULL DEFAULT '';
