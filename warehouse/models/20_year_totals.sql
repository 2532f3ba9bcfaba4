-- Totals per year over the reports, by region and by administrative level (city government,
-- departments, …): one aggregation, two views.
CREATE OR REPLACE VIEW year_totals AS
SELECT
    CASE WHEN grouping(level) = 0 THEN 'level' ELSE 'region' END AS dimension,
    region_code,
    region_name,
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
GROUP BY GROUPING SETS ((region_code, region_name, year), (level, year));

CREATE OR REPLACE VIEW region_year_totals AS
SELECT * EXCLUDE (dimension, level) FROM year_totals WHERE dimension = 'region';

CREATE OR REPLACE VIEW level_year_totals AS
SELECT * EXCLUDE (dimension, region_code, region_name) FROM year_totals WHERE dimension = 'level';
