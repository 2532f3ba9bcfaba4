-- Reports per status, and coverage per status (with how many were late, and changed after
-- publication).
SELECT 'reports' AS of, status, count(*) AS n FROM reports GROUP BY status
UNION ALL
SELECT 'coverage', status, count(*) FROM coverage GROUP BY status
UNION ALL
SELECT 'coverage', 'late', count(*) FROM coverage WHERE timeliness = 'late'
UNION ALL
SELECT 'coverage', 'changed', count(*) FROM coverage WHERE changed_on IS NOT NULL
ORDER BY 1, 2
