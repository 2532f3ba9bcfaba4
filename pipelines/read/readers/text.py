"""Plain text and markdown, as extracted from PDFs: one row per line, cells split by tabs
(or by `|` in markdown tables)."""

from __future__ import annotations

from pipelines.read.grid import Cell, Row, clean
from pipelines.text import decode


def read(data: bytes) -> list[Row]:
    rows: list[Row] = []
    for number, line in enumerate(decode(data).splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            parts = stripped[1:-1].split("|")
            if all(set(p.strip()) <= set("-: ") for p in parts):
                continue  # markdown separator row
        else:
            parts = line.split("\t")
        location = f"第{number}行"
        rows.append([Cell(clean(p), location) for p in parts])
    return rows
