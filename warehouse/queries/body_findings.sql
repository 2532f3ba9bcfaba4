-- Each body's findings (catalog: the page per body), in body, year and finding order.
SELECT body_id, year, finding_no, rule, severity, message, cells
FROM findings
ORDER BY body_id, year, finding_no
