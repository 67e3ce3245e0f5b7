-- PostgreSQL only (its event notification trigger follows the INSERT now); SQLite has no
-- trigger: the relay that commits an event publishes it. Nothing to change here.
SELECT 1;
