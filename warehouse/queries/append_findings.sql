-- New findings (`incoming`, without numbers) numbered after each body-year's last finding.
INSERT INTO findings
SELECT
    i.body_id,
    i.year,
    coalesce(last.n, 0) + row_number() OVER (PARTITION BY i.body_id, i.year ORDER BY i.position),
    i.rule,
    i.severity,
    i.message,
    i.cells
FROM incoming AS i
LEFT JOIN (
    SELECT body_id, year, max(finding_no) AS n FROM findings GROUP BY body_id, year
) AS last USING (body_id, year)
