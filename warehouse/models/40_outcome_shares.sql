-- Share of each outcome of all applications handled, per body and year (NULL when none).
CREATE OR REPLACE VIEW outcome_shares AS
SELECT
    body_id,
    name,
    year,
    handled,
    granted / nullif(handled, 0) AS share_granted,
    partially_granted / nullif(handled, 0) AS share_partially_granted,
    (granted + partially_granted) / nullif(handled, 0) AS share_granted_or_partially,
    denied / nullif(handled, 0) AS share_denied,
    unavailable / nullif(handled, 0) AS share_unavailable,
    not_processed / nullif(handled, 0) AS share_not_processed,
    other_processing / nullif(handled, 0) AS share_other_processing
FROM body_year_summary
WHERE status IN ('parsed', 'partial');
