-- PostgreSQL only (its event notification now names the office); SQLite has no trigger: the
-- relay that commits an event publishes it. Nothing to change here.
SELECT 1;
