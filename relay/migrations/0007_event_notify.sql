-- Nothing to do for SQLite: one relay owns the database and publishes its own events.
-- (PostgreSQL: ./postgres/0007_event_notify.sql tells every relay of each new event.)
SELECT 1;
