-- The quality flags (`flags`, `trusted`) of every cell of the bodies in `affected_bodies`, made
-- again from the cell, its report and the findings that name it (findings.cells: dotted paths
-- section.row.column). Flags in a fixed order, ';'-separated, NULL when none; `trusted` is
-- false with any of synthetic, report_not_parsed, ocr, error, warning (see the schemas), except
-- that a cell the data office corrected (checked against the original) is not held back by
-- ocr, error or warning.
--
-- Each table is updated twice: every cell from its report alone (a join with the small reports
-- table), then the few cells a finding names, with what the findings say. One update joining
-- every cell with the named cells by a computed path was 30 times slower at 30 M cells.
CREATE OR REPLACE TEMP MACRO _flags(
    synthetic, status, location, error, warning, derived, value, correction_id
) AS
    nullif(concat_ws(';',
        CASE WHEN synthetic THEN 'synthetic' END,
        CASE WHEN status <> 'parsed' THEN 'report_not_parsed' END,
        CASE WHEN starts_with(location, 'OCR') THEN 'ocr' END,
        CASE WHEN error THEN 'error' END,
        CASE WHEN warning THEN 'warning' END,
        CASE WHEN derived THEN 'derived' END,
        CASE WHEN value IS NULL THEN 'blank' END,
        CASE WHEN correction_id IS NOT NULL THEN 'corrected' END
    ), '');

CREATE OR REPLACE TEMP MACRO _trusted(synthetic, status, location, error, warning, correction_id) AS
    NOT (
        synthetic OR status <> 'parsed' OR (
            correction_id IS NULL AND (
                coalesce(starts_with(location, 'OCR'), false)
                OR coalesce(error, false) OR coalesce(warning, false)
            )
        )
    );

-- the cells findings name, with their reports' synthetic and status
CREATE OR REPLACE TEMP TABLE _named_cells AS
SELECT
    n.body_id, n.year, n.path, n.error, n.warning, n.derived, r.synthetic, r.status
FROM (
    SELECT
        body_id, year, path,
        bool_or(severity = 'error') AS error,
        bool_or(severity = 'warning') AS warning,
        bool_or(rule = 'DERIVED') AS derived
    FROM (
        SELECT body_id, year, rule, severity, unnest(string_split(cells, ';')) AS path
        FROM findings
        WHERE cells IS NOT NULL AND body_id IN (SELECT body_id FROM affected_bodies)
    )
    GROUP BY body_id, year, path
) AS n
JOIN reports AS r USING (body_id, year);

UPDATE proactive AS c
SET flags = _flags(r.synthetic, r.status, c.location, NULL, NULL, NULL, c.value, c.correction_id),
    trusted = _trusted(r.synthetic, r.status, c.location, NULL, NULL, c.correction_id)
FROM reports AS r
WHERE r.body_id = c.body_id AND r.year = c.year
    AND c.body_id IN (SELECT body_id FROM affected_bodies);

UPDATE proactive AS c
SET flags = _flags(
        n.synthetic, n.status, c.location, n.error, n.warning, n.derived, c.value, c.correction_id
    ),
    trusted = _trusted(n.synthetic, n.status, c.location, n.error, n.warning, c.correction_id)
FROM _named_cells AS n
WHERE n.body_id = c.body_id AND n.year = c.year
    AND n.path = 'proactive.' || c.item || '.' || c.measure;

UPDATE applications AS c
SET flags = _flags(r.synthetic, r.status, c.location, NULL, NULL, NULL, c.value, c.correction_id),
    trusted = _trusted(r.synthetic, r.status, c.location, NULL, NULL, c.correction_id)
FROM reports AS r
WHERE r.body_id = c.body_id AND r.year = c.year
    AND c.body_id IN (SELECT body_id FROM affected_bodies);

UPDATE applications AS c
SET flags = _flags(
        n.synthetic, n.status, c.location, n.error, n.warning, n.derived, c.value, c.correction_id
    ),
    trusted = _trusted(n.synthetic, n.status, c.location, n.error, n.warning, c.correction_id)
FROM _named_cells AS n
WHERE n.body_id = c.body_id AND n.year = c.year
    AND n.path = 'applications.' || c.row || '.' || c.applicant;

UPDATE reviews_litigation AS c
SET flags = _flags(r.synthetic, r.status, c.location, NULL, NULL, NULL, c.value, c.correction_id),
    trusted = _trusted(r.synthetic, r.status, c.location, NULL, NULL, c.correction_id)
FROM reports AS r
WHERE r.body_id = c.body_id AND r.year = c.year
    AND c.body_id IN (SELECT body_id FROM affected_bodies);

UPDATE reviews_litigation AS c
SET flags = _flags(
        n.synthetic, n.status, c.location, n.error, n.warning, n.derived, c.value, c.correction_id
    ),
    trusted = _trusted(n.synthetic, n.status, c.location, n.error, n.warning, c.correction_id)
FROM _named_cells AS n
WHERE n.body_id = c.body_id AND n.year = c.year
    AND n.path = 'reviews_litigation.' || c.proceeding || '.' || c.outcome;
