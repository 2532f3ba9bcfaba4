-- Every finding of rule $rule, with its body-year and cells.
SELECT body_id, year, finding_no, message, cells
FROM findings
WHERE rule = $rule
ORDER BY body_id, year, finding_no
