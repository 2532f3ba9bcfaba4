-- The cells of the three tables (section, row, column), in body and year order (catalog: the
-- page per body; the page orders rows and columns as the template prints them).
SELECT body_id, year, 'proactive' AS section, item AS row, measure AS col, value, printed
FROM proactive
UNION ALL
SELECT body_id, year, 'applications', row, applicant, value, printed
FROM applications
UNION ALL
SELECT body_id, year, 'reviews_litigation', proceeding, outcome, value, printed
FROM reviews_litigation
ORDER BY body_id, year
