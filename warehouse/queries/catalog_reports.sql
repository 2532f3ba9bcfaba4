-- Every report of a release with its body's name, status and finding counts (catalog site).
SELECT
    r.body_id,
    b.name,
    r.year,
    r.status,
    r.errors,
    r.warnings,
    r.status_reason,
    r.synthetic
FROM reports AS r
LEFT JOIN bodies AS b USING (body_id)
ORDER BY r.body_id, r.year
