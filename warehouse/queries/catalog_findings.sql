-- Findings of a release counted per rule and severity (catalog site).
SELECT
    rule,
    severity,
    count(*) AS findings,
    count(DISTINCT (body_id, year)) AS reports
FROM findings
GROUP BY rule, severity
ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rule
