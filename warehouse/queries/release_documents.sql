-- What a release was built from, per body-year: where each document came from and its sha256
-- (null where none was had), for the release's inputs.json.
SELECT body_id, year, source, sha256 FROM reports ORDER BY body_id, year
