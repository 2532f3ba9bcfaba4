-- The cells the cross-year rules read, for the bodies in `affected_bodies`, of the reports that
-- were read (parsed or partial), ordered by body and year.
SELECT c.body_id, c.year, r.template, c.section, c.row_key, c.col_key, c.value
FROM (
    SELECT body_id, year, 'applications' AS section, row AS row_key, applicant AS col_key, value
    FROM applications
    WHERE row IN ('carried_over', 'carried_forward')
    UNION ALL
    SELECT body_id, year, 'proactive', item, measure, value
    FROM proactive
    WHERE item IN ('regulations', 'normative_documents')
        AND measure IN ('issued', 'repealed', 'in_force')
) AS c
JOIN reports AS r USING (body_id, year)
WHERE r.status IN ('parsed', 'partial')
    AND c.body_id IN (SELECT body_id FROM affected_bodies)
ORDER BY c.body_id, c.year
