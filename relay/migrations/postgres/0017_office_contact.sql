-- The office's address and telephone for residents (printed on every handout, issue 17 item 4).
ALTER TABLE offices ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE offices ADD COLUMN phone TEXT NOT NULL DEFAULT '';
