-- Events are now stored in one INSERT (the row's id is the event's id; the payload no longer
-- repeats it, see relay/src/tickets.rs `record`), so the notification follows the INSERT.
DROP TRIGGER events_notify ON events;
CREATE TRIGGER events_notify
    AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION mado_notify_event();
