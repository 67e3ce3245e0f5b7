-- Queue writes of different offices no longer wait for each other, so events of two offices
-- may commit out of id order; within one office they still commit in id order. The
-- notification names the office ("office id"), and each relay follows each office by its
-- own last id (relay/src/events.rs `follow_postgres`).
CREATE OR REPLACE FUNCTION mado_notify_event() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('mado_events', NEW.office_id || ' ' || NEW.id::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
