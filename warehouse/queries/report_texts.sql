-- The texts of sections 一 and 五 of the bodies in `affected_bodies`, ordered by body, section
-- and year (pipelines/tables/similarity.py compares each with the body's previous report).
SELECT body_id, year, section, text
FROM report_texts
WHERE body_id IN (SELECT body_id FROM affected_bodies)
ORDER BY body_id, section, year
