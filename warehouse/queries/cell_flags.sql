-- The quality flags (`flags`, `trusted`) of every cell of the bodies in `affected_bodies`, made
-- again from the cell, its report and the findings that name it (findings.cells: dotted paths
-- section.row.column). Flags in a fixed order, ';'-separated, NULL when none; `trusted` is
-- false with any of synthetic, report_not_parsed, ocr, error, warning (see the schemas), except
-- that a cell the data office corrected (checked against the original) is not held back by
-- ocr, error or warning.
CREATE OR REPLACE TEMP VIEW _named_cells AS
SELECT
    body_id,
    year,
    path,
    bool_or(severity = 'error') AS error,
    bool_or(severity = 'warning') AS warning,
    bool_or(rule = 'DERIVED') AS derived
FROM (
    SELECT body_id, year, rule, severity, unnest(string_split(cells, ';')) AS path
    FROM findings
    WHERE cells IS NOT NULL AND body_id IN (SELECT body_id FROM affected_bodies)
)
GROUP BY body_id, year, path;

CREATE OR REPLACE TEMP VIEW _cell_flags AS
SELECT
    c.section,
    c.body_id,
    c.year,
    c.row_key,
    c.col_key,
    nullif(concat_ws(';',
        CASE WHEN r.synthetic THEN 'synthetic' END,
        CASE WHEN r.status <> 'parsed' THEN 'report_not_parsed' END,
        CASE WHEN starts_with(c.location, 'OCR') THEN 'ocr' END,
        CASE WHEN n.error THEN 'error' END,
        CASE WHEN n.warning THEN 'warning' END,
        CASE WHEN n.derived THEN 'derived' END,
        CASE WHEN c.value IS NULL THEN 'blank' END,
        CASE WHEN c.correction_id IS NOT NULL THEN 'corrected' END
    ), '') AS flags,
    NOT (
        r.synthetic OR r.status <> 'parsed' OR (
            c.correction_id IS NULL AND (
                coalesce(starts_with(c.location, 'OCR'), false)
                OR coalesce(n.error, false) OR coalesce(n.warning, false)
            )
        )
    ) AS trusted
FROM (
    SELECT
        'proactive' AS section, body_id, year, item AS row_key, measure AS col_key, value,
        location, correction_id
    FROM proactive
    UNION ALL
    SELECT 'applications', body_id, year, row, applicant, value, location, correction_id
    FROM applications
    UNION ALL
    SELECT
        'reviews_litigation', body_id, year, proceeding, outcome, value, location, correction_id
    FROM reviews_litigation
) AS c
JOIN reports AS r USING (body_id, year)
LEFT JOIN _named_cells AS n
    ON n.body_id = c.body_id AND n.year = c.year
    AND n.path = c.section || '.' || c.row_key || '.' || c.col_key
WHERE c.body_id IN (SELECT body_id FROM affected_bodies);

UPDATE proactive AS t SET flags = f.flags, trusted = f.trusted
FROM _cell_flags AS f
WHERE f.section = 'proactive' AND f.body_id = t.body_id AND f.year = t.year
    AND f.row_key = t.item AND f.col_key = t.measure;

UPDATE applications AS t SET flags = f.flags, trusted = f.trusted
FROM _cell_flags AS f
WHERE f.section = 'applications' AND f.body_id = t.body_id AND f.year = t.year
    AND f.row_key = t.row AND f.col_key = t.applicant;

UPDATE reviews_litigation AS t SET flags = f.flags, trusted = f.trusted
FROM _cell_flags AS f
WHERE f.section = 'reviews_litigation' AND f.body_id = t.body_id AND f.year = t.year
    AND f.row_key = t.proceeding AND f.col_key = t.outcome;
