-- Derived metrics per body and year (published table `metrics`; formulas documented in
-- schemas/metrics.schema.json). Computed from the published tables directly. Rates are NULL,
-- never 0 or NaN, where the denominator is 0: nullif() turns x/0 into NULL.
-- Blank cells count as 0 (spec: BLANK_CELL), a missing section gives NULL.
-- Counts are cast to BIGINT and rates to DOUBLE: the types the Table Schema declares.
CREATE OR REPLACE VIEW metrics AS
WITH app AS (
    SELECT
        body_id,
        year,
        sum(coalesce(value, 0)) FILTER (WHERE row = 'new_received') AS applications,
        sum(coalesce(value, 0)) FILTER (WHERE row = 'total_handled') AS handled,
        sum(coalesce(value, 0)) FILTER (WHERE row = 'granted') AS granted,
        sum(coalesce(value, 0)) FILTER (WHERE row = 'partially_granted') AS partially_granted,
        sum(coalesce(value, 0)) FILTER (WHERE row LIKE 'denied\_%' ESCAPE '\') AS denied,
        sum(coalesce(value, 0)) FILTER (WHERE row LIKE 'unavailable\_%' ESCAPE '\') AS unavailable,
        sum(coalesce(value, 0)) FILTER (WHERE row LIKE 'not\_processed\_%' ESCAPE '\') AS not_processed,
        sum(coalesce(value, 0)) FILTER (WHERE row LIKE 'other\_%' ESCAPE '\') AS other_processing
    FROM applications
    WHERE applicant = 'total'
    GROUP BY body_id, year
    HAVING count(value) > 0  -- a section the document lacks is all NULL: its counts stay NULL
),
disputes AS (
    SELECT
        body_id,
        year,
        sum(coalesce(value, 0)) FILTER (
            WHERE proceeding = 'administrative_review' AND outcome = 'total'
        ) AS reviews,
        sum(coalesce(value, 0)) FILTER (
            WHERE proceeding = 'administrative_review' AND outcome = 'corrected'
        ) AS reviews_corrected,
        sum(coalesce(value, 0)) FILTER (
            WHERE proceeding <> 'administrative_review' AND outcome = 'total'
        ) AS lawsuits
    FROM reviews_litigation
    GROUP BY body_id, year
    HAVING count(value) > 0
),
counts AS (
    SELECT r.body_id, r.year, app.* EXCLUDE (body_id, year), disputes.* EXCLUDE (body_id, year)
    FROM reports AS r
    LEFT JOIN app USING (body_id, year)
    LEFT JOIN disputes USING (body_id, year)
    WHERE r.status IN ('parsed', 'partial')
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
        AS applications_yoy_change
FROM counts AS c
LEFT JOIN counts AS p ON p.body_id = c.body_id AND p.year = c.year - 1;
