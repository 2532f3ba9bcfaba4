-- Coverage of the first $limit bodies (by id), every year: the body × year matrix of the UI.
SELECT b.name, c.body_id, c.year, c.status, c.timeliness, c.days_late
FROM coverage AS c
LEFT JOIN bodies AS b USING (body_id)
WHERE c.body_id IN (SELECT DISTINCT body_id FROM coverage ORDER BY body_id LIMIT $limit)
ORDER BY c.body_id, c.year
