-- PostgreSQL only (its event notification now carries the event, see
-- postgres/0016_event_notify_payload.sql); SQLite has no trigger: the relay that commits an
-- event publishes it. Nothing to change here.
SELECT 1;
