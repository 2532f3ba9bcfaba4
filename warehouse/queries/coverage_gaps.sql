-- Body-years without a readable report past their deadline, or late (at most $limit rows).
SELECT b.name, c.body_id, c.year, c.status, c.timeliness, c.days_late, c.note
FROM coverage AS c
LEFT JOIN bodies AS b USING (body_id)
WHERE c.status IN ('missing', 'unreadable') OR c.timeliness = 'late'
ORDER BY c.body_id, c.year
LIMIT $limit
