"""Stage 1, registry: the data office's list of bodies read, checked and expanded into every
(body, year) a report is expected for (`load.load`)."""
