-- Each body's reports (catalog: the page per body), in body and year order.
SELECT
    body_id,
    year,
    status,
    status_reason,
    template,
    agency_printed,
    published_on,
    source,
    source_format,
    sha256,
    bytes,
    errors,
    warnings,
    synthetic
FROM reports
ORDER BY body_id, year
