-- A report as published ($body, $year) and its cell $cell (a dotted key of the contract):
-- what `xxgk correct` records beside a new correction. No row: the report is not published.
WITH cells AS (
    SELECT body_id, year, 'proactive.' || item || '.' || measure AS cell,
        CAST(value AS VARCHAR) AS value, printed, corrected_from, correction_id
    FROM proactive
    UNION ALL
    SELECT body_id, year, 'applications.' || "row" || '.' || applicant,
        CAST(value AS VARCHAR), printed, CAST(corrected_from AS DOUBLE), correction_id
    FROM applications
    UNION ALL
    SELECT body_id, year, 'reviews_litigation.' || proceeding || '.' || outcome,
        CAST(value AS VARCHAR), printed, CAST(corrected_from AS DOUBLE), correction_id
    FROM reviews_litigation
)
SELECT r.status, r.sha256, c.cell, c.value, c.printed, c.corrected_from, c.correction_id
FROM reports AS r
LEFT JOIN cells AS c ON c.body_id = r.body_id AND c.year = r.year AND c.cell = $cell
WHERE r.body_id = $body AND r.year = $year
