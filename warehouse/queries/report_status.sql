-- Every report's status with its body's name, errors first, for the UI (at most $limit rows).
SELECT b.name, r.body_id, r.year, r.status, r.errors, r.warnings, r.status_reason
FROM reports AS r
LEFT JOIN bodies AS b USING (body_id)
ORDER BY r.status = 'parsed', r.errors DESC, r.body_id, r.year
LIMIT $limit
