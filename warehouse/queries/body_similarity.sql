-- Each body's similarity of sections 一 and 五 to its previous report (catalog: page per body).
SELECT body_id, year, section, previous_year, similarity, near_copy
FROM text_similarity
ORDER BY body_id, year, section
