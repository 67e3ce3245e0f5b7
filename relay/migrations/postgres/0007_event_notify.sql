-- Several relays share one PostgreSQL database. Each event row gets its payload right after
-- it is inserted (it carries its own id); this trigger then notifies channel `mado_events`
-- with the id. PostgreSQL delivers notifications when the transaction commits, in commit
-- order, to every relay listening; each relay fans the event out to its own displays.
CREATE FUNCTION mado_notify_event() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('mado_events', NEW.id::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER events_notify
    AFTER UPDATE OF payload ON events
    FOR EACH ROW EXECUTE FUNCTION mado_notify_event();
