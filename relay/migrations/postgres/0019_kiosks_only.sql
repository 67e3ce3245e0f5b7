-- Whether an office takes walk-in tickets and check-ins only at its paired kiosks (issue 17
-- item 9). Pairing a kiosk turns it on; an admin can turn it off again (it used to stay on for
-- good once a kiosk had been paired, which is what offices with a paired kiosk start with).
ALTER TABLE offices ADD COLUMN kiosks_only BIGINT NOT NULL DEFAULT 0 CHECK (kiosks_only IN (0, 1));
UPDATE offices SET kiosks_only = 1 WHERE EXISTS (
    SELECT 1 FROM devices d WHERE d.office_id = offices.id AND d.kind = 'kiosk' AND d.paired_at_ms IS NOT NULL
);
