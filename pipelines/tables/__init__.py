"""Stage 4, tables: every registry entry, its document and its reading → the published rows,
one dict per row keyed by the Table Schema's fields (`rows.build`), and coverage."""
