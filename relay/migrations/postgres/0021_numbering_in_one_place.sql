-- Tickets are numbered by one statement both engines run (relay/src/store/tickets.rs,
-- `number`), and the relay builds every event it stores. The functions that numbered a
-- kiosk's walk-ins here and filled the numbers into drafted events (0014, 0015) are no longer
-- called.
DROP FUNCTION IF EXISTS mado_issue_tickets(BIGINT, TEXT, TEXT, BIGINT, TEXT);
DROP FUNCTION IF EXISTS mado_issue_ticket(BIGINT, TEXT, TEXT, TEXT, TEXT, BIGINT, TEXT, TEXT);
