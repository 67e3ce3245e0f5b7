-- 宛先 of the office's own forms (住民異動届, 世帯主変更届), e.g. 北九州市小倉北区長 (issue 19
-- item 2); empty: made from the office's name and the city.
ALTER TABLE offices ADD COLUMN head TEXT NOT NULL DEFAULT '';
