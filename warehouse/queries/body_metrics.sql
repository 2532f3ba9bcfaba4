-- Each body's metrics over the years (catalog: the page per body).
SELECT * FROM metrics ORDER BY body_id, year
