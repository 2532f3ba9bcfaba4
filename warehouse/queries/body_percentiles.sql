-- Each body's place among its peers, per year and metric (catalog: the page per body), from
-- the model peer_percentiles applied to the release's own files.
SELECT body_id, year, metric, value, peers, rank, percentile
FROM peer_percentiles
ORDER BY body_id, year, metric
