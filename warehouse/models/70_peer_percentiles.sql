-- Where each body stands among the bodies of the same level in the same division (region_code)
-- in the same year, per metric (catalog: the page per body). `peers`: the bodies with a value of
-- that metric, itself included; `percentile`: 100 × the share of the other peers with a lower
-- value (percent_rank: 0 the lowest, 100 the highest; ties share the lower rank), NULL where
-- fewer than 5 bodies compare (a rank among 2 or 3 says little).
CREATE OR REPLACE VIEW peer_percentiles AS
WITH v AS (
    UNPIVOT (
        SELECT
            m.body_id,
            m.year,
            b.region_code,
            b.level,
            CAST(m.applications AS DOUBLE) AS applications,
            m.substantive_disclosure_rate,
            m.denial_rate,
            m.review_correction_rate,
            m.disputes_per_100_applications
        FROM metrics AS m
        JOIN bodies AS b USING (body_id)
    )
    ON applications, substantive_disclosure_rate, denial_rate, review_correction_rate,
        disputes_per_100_applications
    INTO NAME metric VALUE value
)
SELECT
    body_id,
    year,
    region_code,
    level,
    metric,
    value,
    count(*) OVER peers AS peers,
    rank() OVER (peers ORDER BY value) AS rank,
    CASE
        WHEN count(*) OVER peers >= 5
            THEN round(100 * percent_rank() OVER (peers ORDER BY value), 1)
    END AS percentile
FROM v
WINDOW peers AS (PARTITION BY region_code, level, year, metric);
