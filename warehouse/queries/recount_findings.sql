-- Errors and warnings of the affected bodies' reports, counted again from their findings
-- (after the cross-year findings were replaced).
UPDATE reports
SET
    errors = (
        SELECT count(*) FROM findings AS f
        WHERE f.body_id = reports.body_id AND f.year = reports.year AND f.severity = 'error'
    ),
    warnings = (
        SELECT count(*) FROM findings AS f
        WHERE f.body_id = reports.body_id AND f.year = reports.year AND f.severity = 'warning'
    )
WHERE body_id IN (SELECT body_id FROM affected_bodies)
