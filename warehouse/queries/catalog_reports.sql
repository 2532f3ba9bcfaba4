-- Every report of a release with its body's name, region, status and finding counts (catalog
-- site: one page per province).
SELECT
    r.body_id,
    b.name,
    r.year,
    r.status,
    r.errors,
    r.warnings,
    r.status_reason,
    r.synthetic,
    b.region_code
FROM reports AS r
LEFT JOIN bodies AS b USING (body_id)
ORDER BY b.region_code, r.body_id, r.year
