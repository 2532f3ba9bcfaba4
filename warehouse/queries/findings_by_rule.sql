-- Per rule: how many findings, and the first $shown of them with the body's name.
SELECT
    f.rule,
    f.severity,
    count(*) AS n,
    list(coalesce(b.name, f.body_id) || ' ' || f.year || '：' || f.message
        ORDER BY f.body_id, f.year, f.finding_no)[1:$shown] AS shown
FROM findings AS f
LEFT JOIN bodies AS b USING (body_id)
GROUP BY f.rule, f.severity
ORDER BY f.rule
