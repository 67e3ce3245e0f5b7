-- PostgreSQL only (a function that issues a walk-in ticket in one round trip, see
-- postgres/0014_issue_ticket.sql); SQLite runs in the relay's process, where a round trip
-- costs nothing. Nothing to change here.
SELECT 1;
