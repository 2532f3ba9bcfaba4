-- The subsets a release splits its tables into (CSV files sized for a spreadsheet): each
-- statistical year of the reports, and each province (first level of GB/T 2260, 350481 →
-- 350000) of the bodies. Ordered, so the files and their listing are the same every time.
SELECT 'year' AS dimension, CAST(year AS VARCHAR) AS value FROM reports GROUP BY year
UNION ALL
SELECT 'region', substr(region_code, 1, 2) || '0000' FROM bodies GROUP BY 2
ORDER BY dimension DESC, value
