-- Every body of a release with its years and counts (catalog: the index by region and level,
-- and the head of each body's page), in body order.
SELECT
    b.body_id,
    b.name,
    b.region_code,
    b.region_name,
    b.level,
    b.synthetic,
    string_agg(CAST(r.year AS VARCHAR), '、' ORDER BY r.year) AS years,
    count(r.year) FILTER (WHERE r.status IN ('parsed', 'partial')) AS reports_read,
    coalesce(sum(r.errors), 0) AS errors
FROM bodies AS b
LEFT JOIN reports AS r USING (body_id)
GROUP BY b.body_id, b.name, b.region_code, b.region_name, b.level, b.synthetic
ORDER BY b.body_id
