-- PostgreSQL drops the functions that numbered walk-ins there (0014, 0015); SQLite never had
-- them. The version is kept in step with PostgreSQL's.
SELECT 1;
