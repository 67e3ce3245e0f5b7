-- PostgreSQL only (mado_issue_ticket reads the last issue time from its index,
-- mado_issue_tickets issues several tickets in one round trip, and an index for the line: see
-- postgres/0015_issue_tickets.sql); SQLite runs in the relay's process, where a round trip
-- costs nothing. Nothing to change here.
SELECT 1;
