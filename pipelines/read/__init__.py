"""Stage 3, read: a document's bytes → its format → a grid of cells (one reader per format) →
the template's three tables → the template's arithmetic (`document.parse_bytes`), cached by
(sha256, parser version) (`cache.cached_parse`)."""
