-- PostgreSQL schema, the same as ../0013_waiting_counts.sql for SQLite. Queue writes read
-- less under the queue lock.
--
-- The waiting tickets of each office, day and service, kept by a trigger on every change of
-- a ticket (so no write can forget it): the counts every queue event carries are read from
-- here instead of counting a long queue ticket by ticket.
CREATE TABLE waiting_counts (
    office_id TEXT NOT NULL,
    day TEXT NOT NULL,
    service_id TEXT NOT NULL,
    waiting BIGINT NOT NULL,
    PRIMARY KEY (office_id, day, service_id)
);

INSERT INTO waiting_counts (office_id, day, service_id, waiting)
SELECT office_id, day, service_id, COUNT(*) FROM tickets WHERE status = 'waiting'
GROUP BY office_id, day, service_id;

CREATE FUNCTION mado_count_waiting() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'waiting' THEN
        UPDATE waiting_counts SET waiting = waiting - 1
        WHERE office_id = OLD.office_id AND day = OLD.day AND service_id = OLD.service_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'waiting' THEN
        INSERT INTO waiting_counts (office_id, day, service_id, waiting)
        VALUES (NEW.office_id, NEW.day, NEW.service_id, 1)
        ON CONFLICT (office_id, day, service_id)
        DO UPDATE SET waiting = waiting_counts.waiting + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tickets_count_waiting
AFTER INSERT OR DELETE OR UPDATE OF status, service_id, office_id, day ON tickets
FOR EACH ROW EXECUTE FUNCTION mado_count_waiting();

-- A counter's tickets: the one it is serving (finished by its next call) and the ones it
-- called today, newest first (whether it called reservations in a row); and the checked-in
-- reservations waiting. Without these, each call read every ticket of the day.
CREATE INDEX tickets_called ON tickets (counter_id) WHERE status = 'called';
CREATE INDEX tickets_counter_day ON tickets (counter_id, day, called_at_ms, id);
CREATE INDEX tickets_reserved ON tickets (office_id, day)
WHERE status = 'waiting' AND slot_start_ms IS NOT NULL;
