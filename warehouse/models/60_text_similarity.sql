-- Similarity of sections 一 (overview) and 五 (problems) to the same body's previous report
-- (published table `text_similarity`; the measure is documented in its schema). Deterministic:
-- the text without whitespace, punctuation, symbols and digits, the set of its distinct
-- 5-character shingles, and the Jaccard index |A ∩ B| / |A ∪ B| with the previous report, the
-- latest earlier year of the body whose section has shingles. 0.7 or more: a near-copy.
CREATE OR REPLACE VIEW text_similarity AS
WITH clean AS (
    SELECT
        body_id,
        year,
        section,
        regexp_replace(text, '[\s\p{P}\p{S}\p{N}]', '', 'g') AS text
    FROM report_texts
),
shingles AS (
    SELECT DISTINCT body_id, year, section, substr(text, i, 5) AS shingle
    FROM clean, unnest(range(1, length(text) - 3)) AS r(i)
),
sizes AS (
    SELECT
        body_id,
        year,
        section,
        count(*) AS shingles,
        lag(year) OVER w AS previous_year,
        lag(count(*)) OVER w AS previous_shingles
    FROM shingles
    GROUP BY body_id, year, section
    WINDOW w AS (PARTITION BY body_id, section ORDER BY year)
),
shared AS (
    SELECT s.body_id, s.year, s.section, count(*) AS shared_shingles
    FROM sizes AS s
    JOIN shingles AS a USING (body_id, year, section)
    JOIN shingles AS b
        ON b.body_id = s.body_id AND b.section = s.section AND b.year = s.previous_year
        AND b.shingle = a.shingle
    GROUP BY s.body_id, s.year, s.section
)
SELECT
    s.body_id,
    CAST(s.year AS BIGINT) AS year,
    s.section,
    CAST(s.previous_year AS BIGINT) AS previous_year,
    CAST(s.shingles AS BIGINT) AS shingles,
    CAST(s.previous_shingles AS BIGINT) AS previous_shingles,
    CAST(coalesce(shared.shared_shingles, 0) AS BIGINT) AS shared_shingles,
    CAST(
        round(
            coalesce(shared.shared_shingles, 0)
            / (s.shingles + s.previous_shingles - coalesce(shared.shared_shingles, 0)),
            4
        ) AS DOUBLE
    ) AS similarity,
    coalesce(shared.shared_shingles, 0)
    / (s.shingles + s.previous_shingles - coalesce(shared.shared_shingles, 0)) >= 0.7
        AS near_copy
FROM sizes AS s
LEFT JOIN shared USING (body_id, year, section)
WHERE s.previous_year IS NOT NULL;
