"""Rendering a report into a document of the national template, one module per format.

`layout` lays a report out as the template prints it (paragraphs and tables with merged cells),
optionally with the damage real documents show; `text`, `html`, `pdf` and `docx` (with .doc)
write one layout in their format, so every format carries the same cells. The generated corpus
and the tests read those documents back and compare every cell.
"""
