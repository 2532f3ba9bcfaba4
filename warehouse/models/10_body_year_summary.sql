-- One row per body and year: status, applications and outcomes, disputes, findings.
-- Blank cells count as 0 (spec: BLANK_CELL); a section the document lacks gives NULL counts.
CREATE OR REPLACE VIEW body_year_summary AS
WITH app AS (
    SELECT
        body_id,
        year,
        sum(coalesce(value, 0)) FILTER (WHERE row = 'new_received') AS new_received,
        sum(coalesce(value, 0)) FILTER (WHERE row = 'carried_over') AS carried_over,
        sum(coalesce(value, 0)) FILTER (WHERE row = 'total_handled') AS handled,
        sum(coalesce(value, 0)) FILTER (WHERE row = 'granted') AS granted,
        sum(coalesce(value, 0)) FILTER (WHERE row = 'partially_granted') AS partially_granted,
        sum(coalesce(value, 0)) FILTER (WHERE row LIKE 'denied\_%' ESCAPE '\') AS denied,
        sum(coalesce(value, 0)) FILTER (WHERE row LIKE 'unavailable\_%' ESCAPE '\') AS unavailable,
        sum(coalesce(value, 0)) FILTER (WHERE row LIKE 'not\_processed\_%' ESCAPE '\') AS not_processed,
        sum(coalesce(value, 0)) FILTER (WHERE row LIKE 'other\_%' ESCAPE '\') AS other_processing,
        sum(coalesce(value, 0)) FILTER (WHERE row = 'carried_forward') AS carried_forward
    FROM applications
    WHERE applicant = 'total'
    GROUP BY body_id, year
    HAVING count(value) > 0
),
rev AS (
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
)
SELECT
    r.body_id,
    b.name,
    b.region_name,
    b.region_code,
    b.level,
    r.year,
    r.status,
    r.template,
    r.errors,
    r.warnings,
    r.synthetic,
    app.new_received,
    app.carried_over,
    app.handled,
    app.granted,
    app.partially_granted,
    app.denied,
    app.unavailable,
    app.not_processed,
    app.other_processing,
    app.carried_forward,
    rev.reviews,
    rev.reviews_corrected,
    rev.lawsuits
FROM reports AS r
JOIN bodies AS b USING (body_id)
LEFT JOIN app USING (body_id, year)
LEFT JOIN rev USING (body_id, year);
