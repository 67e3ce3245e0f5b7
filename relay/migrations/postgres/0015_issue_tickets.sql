-- mado_issue_ticket (0014) read the office's last issue time of the day with MAX(), which the
-- planner may answer by reading every ticket of the day (it does while the table's statistics
-- still describe a table with few tickets: each ticket then cost a read of all the day's
-- tickets). It now reads the newest one from the index tickets_issued, whatever the statistics.
CREATE OR REPLACE FUNCTION mado_issue_ticket(
    p_lock BIGINT, p_office TEXT, p_service TEXT, p_prefix TEXT, p_day TEXT, p_now BIGINT,
    p_key TEXT, p_event TEXT
) RETURNS TABLE (event_id BIGINT, payload TEXT) AS $$
DECLARE
    v_id BIGINT;
    v_seq BIGINT;
    v_waiting JSONB;
    v_now BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(p_lock);
    IF p_key IS NOT NULL AND EXISTS (
        SELECT 1 FROM tickets t WHERE t.office_id = p_office AND t.idempotency_key = p_key
    ) THEN
        RETURN;
    END IF;
    SELECT GREATEST(p_now, COALESCE((
        SELECT t.issued_at_ms FROM tickets t WHERE t.office_id = p_office AND t.day = p_day
        ORDER BY t.issued_at_ms DESC LIMIT 1
    ), p_now)) INTO v_now;
    INSERT INTO tickets (office_id, service_id, prefix, day, seq, status, issued_at_ms,
                         idempotency_key)
    SELECT p_office, p_service, p_prefix, p_day, COALESCE(MAX(t.seq), 0) + 1, 'waiting', v_now,
           p_key
    FROM tickets t WHERE t.office_id = p_office AND t.prefix = p_prefix AND t.day = p_day
    RETURNING id, seq INTO v_id, v_seq;
    -- The ticket's trigger has counted it.
    SELECT COALESCE(jsonb_agg(jsonb_build_object('service_id', s.id,
                                                 'count', COALESCE(c.waiting, 0))
                              ORDER BY s.sort), '[]'::jsonb)
    INTO v_waiting
    FROM services s
    LEFT JOIN waiting_counts c
        ON c.office_id = s.office_id AND c.service_id = s.id AND c.day = p_day
    WHERE s.office_id = p_office;
    RETURN QUERY
    INSERT INTO events AS e (office_id, at_ms, payload)
    VALUES (p_office, v_now,
            jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(
                p_event::jsonb, '{ticket,id}', to_jsonb(v_id)),
                '{ticket,number,seq}', to_jsonb(v_seq)),
                '{ticket,issued_at_ms}', to_jsonb(v_now)),
                '{at_ms}', to_jsonb(v_now)),
                '{waiting}', v_waiting)::text)
    RETURNING e.id, e.payload;
END;
$$ LANGUAGE plpgsql;

-- Issues several walk-in tickets of one office in one call, in order, each with
-- mado_issue_ticket (0014): the office's queue writer (relay/src/queue.rs) writes the tickets
-- of a batch in one round trip under the queue lock.
--
-- p_items is a JSON array of {"service", "prefix", "key" (or null), "event" (the draft event)};
-- each issued item gives one row: its place in the array (from 1) and its stored event. An
-- item whose key is already taken (a retry) gives no row.
CREATE FUNCTION mado_issue_tickets(
    p_lock BIGINT, p_office TEXT, p_day TEXT, p_now BIGINT, p_items TEXT
) RETURNS TABLE (item BIGINT, event_id BIGINT, payload TEXT) AS $$
DECLARE
    v_item JSONB;
    v_n BIGINT;
BEGIN
    FOR v_item, v_n IN
        SELECT value, ordinality FROM jsonb_array_elements(p_items::jsonb) WITH ORDINALITY
        ORDER BY ordinality
    LOOP
        RETURN QUERY
        SELECT v_n, i.event_id, i.payload
        FROM mado_issue_ticket(p_lock, p_office, v_item->>'service', v_item->>'prefix', p_day,
                               p_now, v_item->>'key', (v_item->'event')::text) AS i;
    END LOOP;
END;
$$ LANGUAGE plpgsql;

-- Each service's line of walk-ins (called by issue time, then id) now ends with the id, so the
-- first waiting ticket of a service is the index's first entry, whatever the planner estimates.
-- With statistics taken before the day's tickets (every morning: the new day is not in them) it
-- read every ticket of the day through tickets_issued and sorted them, on every call.
CREATE INDEX tickets_line ON tickets (office_id, day, status, service_id, issued_at_ms, id);
DROP INDEX tickets_queue;
