-- A ticket's time of issue is now never earlier than the office's last one of the day
-- (store/tickets.rs, NUMBER_TICKET: a clock that steps back cannot put a ticket before one
-- issued earlier). That last time is read from this index, as PostgreSQL has since 0014.
CREATE INDEX tickets_issued ON tickets (office_id, day, issued_at_ms);
