-- The id of every correction the published tables carry beside a cell.
SELECT correction_id FROM proactive WHERE correction_id IS NOT NULL
UNION ALL
SELECT correction_id FROM applications WHERE correction_id IS NOT NULL
UNION ALL
SELECT correction_id FROM reviews_litigation WHERE correction_id IS NOT NULL
