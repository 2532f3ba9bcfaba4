-- Derived metrics per body and year (published table `metrics`; formulas documented in
-- schemas/metrics.schema.json), from the counts of body_year_summary. Rates are NULL,
-- never 0 or NaN, where the denominator is 0: nullif() turns x/0 into NULL.
-- Blank cells count as 0 (spec: BLANK_CELL), a missing section gives NULL.
-- Counts are cast to BIGINT and rates to DOUBLE: the types the Table Schema declares.
-- `flags` and `trusted` are the report's as a whole (its status, findings, OCR cells), in the
-- order the schema gives.
CREATE OR REPLACE VIEW metrics AS
WITH counts AS (
    SELECT
        body_id,
        year,
        new_received AS applications,
        handled,
        granted,
        partially_granted,
        denied,
        unavailable,
        not_processed,
        other_processing,
        reviews,
        reviews_corrected,
        lawsuits
    FROM body_year_summary
    WHERE status IN ('parsed', 'partial')
),
marks AS (
    -- the reports with a cell read by OCR, or corrected by the data office (one pass over the cells)
    SELECT
        body_id,
        year,
        bool_or(starts_with(location, 'OCR')) AS ocr,
        bool_or(correction_id IS NOT NULL) AS corrected
    FROM (
        SELECT body_id, year, location, correction_id FROM proactive
        UNION ALL
        SELECT body_id, year, location, correction_id FROM applications
        UNION ALL
        SELECT body_id, year, location, correction_id FROM reviews_litigation
    )
    GROUP BY body_id, year
),
quality AS (
    SELECT
        s.body_id,
        s.year,
        nullif(concat_ws(';',
            CASE WHEN s.synthetic THEN 'synthetic' END,
            CASE WHEN s.status <> 'parsed' THEN 'report_not_parsed' END,
            CASE WHEN m.ocr THEN 'ocr' END,
            CASE WHEN s.errors > 0 THEN 'error' END,
            CASE WHEN s.warnings > 0 THEN 'warning' END,
            CASE WHEN m.corrected THEN 'corrected' END
        ), '') AS flags
    FROM body_year_summary AS s
    LEFT JOIN marks AS m USING (body_id, year)
    WHERE s.status IN ('parsed', 'partial')
)
SELECT
    c.body_id,
    CAST(c.year AS BIGINT) AS year,
    CAST(c.applications AS BIGINT) AS applications,
    CAST(c.handled AS BIGINT) AS handled,
    CAST(c.granted AS BIGINT) AS granted,
    CAST(c.partially_granted AS BIGINT) AS partially_granted,
    CAST(c.denied AS BIGINT) AS denied,
    CAST(c.unavailable AS BIGINT) AS unavailable,
    CAST(c.not_processed AS BIGINT) AS not_processed,
    CAST(c.other_processing AS BIGINT) AS other_processing,
    CAST(c.reviews AS BIGINT) AS reviews,
    CAST(c.reviews_corrected AS BIGINT) AS reviews_corrected,
    CAST(c.lawsuits AS BIGINT) AS lawsuits,
    CAST(p.applications AS BIGINT) AS applications_previous_year,
    CAST((c.granted + c.partially_granted) / nullif(c.handled, 0) AS DOUBLE)
        AS substantive_disclosure_rate,
    CAST(c.denied / nullif(c.handled, 0) AS DOUBLE) AS denial_rate,
    CAST(c.reviews_corrected / nullif(c.reviews, 0) AS DOUBLE) AS review_correction_rate,
    CAST(100 * (c.reviews + c.lawsuits) / nullif(c.applications, 0) AS DOUBLE)
        AS disputes_per_100_applications,
    CAST((c.applications - p.applications) / nullif(p.applications, 0) AS DOUBLE)
        AS applications_yoy_change,
    NOT coalesce(regexp_matches(q.flags, 'synthetic|report_not_parsed|ocr|error|warning'), false)
        AS trusted,
    q.flags
FROM counts AS c
JOIN quality AS q USING (body_id, year)
LEFT JOIN counts AS p ON p.body_id = c.body_id AND p.year = c.year - 1;
