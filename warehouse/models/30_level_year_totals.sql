-- Totals per administrative level (city government, departments, …) and year.
CREATE OR REPLACE VIEW level_year_totals AS
SELECT
    level,
    year,
    count(*) AS bodies,
    count(*) FILTER (WHERE status IN ('parsed', 'partial')) AS reports_read,
    sum(new_received) AS new_received,
    sum(handled) AS handled,
    sum(granted) AS granted,
    sum(partially_granted) AS partially_granted,
    sum(denied) AS denied,
    sum(reviews) AS reviews,
    sum(lawsuits) AS lawsuits
FROM body_year_summary
GROUP BY level, year;
