-- Issues a walk-in ticket and stores its event in one call, so that a ticket takes one round
-- trip under its office's queue lock instead of five (relay/src/tickets.rs
-- `issue_in_one_round_trip`). The relay writes the event; the function fills in what the
-- database decides: the ticket's id and number, and the waiting counts after it.
--
-- p_lock is the office's queue lock (relay/src/db.rs `Writes::Queue`): taken first, then each
-- statement reads what was committed when it starts (READ COMMITTED), so the number follows
-- the last one issued by any relay. Returns no row when p_key is already taken (a retry).
--
-- p_now is the relay's clock before the lock. Another relay may have taken the lock first and
-- issued a ticket stamped later, so the ticket is stamped no earlier than the office's last one
-- of the day: walk-ins are called by issue time, and that must be the order of their numbers.
CREATE FUNCTION mado_issue_ticket(
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
    SELECT GREATEST(p_now, COALESCE(MAX(t.issued_at_ms), p_now)) INTO v_now
    FROM tickets t WHERE t.office_id = p_office AND t.day = p_day;
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

-- The office's last issue time of the day, read by mado_issue_ticket under the lock.
CREATE INDEX tickets_issued ON tickets (office_id, day, issued_at_ms);
