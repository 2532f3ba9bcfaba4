"""What every reader produces: the document as rows of text cells, each with its location.

Paragraphs are rows of one cell; table rows have one cell per column (spans expanded). The
template extractor (`extract.py`) works on this alone, so it is the same for every format.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    text: str
    location: str  # e.g. "第67行" or "表2 第5行 第3列"; shown to a clerk checking a figure
    spanned: bool = False  # a copy filling a rowspan/colspan: shown in grids, never read twice


Row = list[Cell]

# A document whose tables hold fewer numbers than this has no statistics tables of its own
# (its tables are its layout): where it has pictures, they are its tables (「图片版」).
FEW_NUMBERS = 10

_SPACE = re.compile(r"\s+")
_NOT_CIRCLED = re.compile(r"[^\u2460-\u2473]+")  # NFKC would turn ① into 1: keep row numbering


def clean(text: str) -> str:
    """NFKC (full-width digits and brackets to ASCII) with runs of white space folded."""
    text = _NOT_CIRCLED.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()


def row_text(row: Row) -> str:
    return "".join(c.text for c in row)


def numbers(rows: list[Row]) -> int:
    """The cells that hold a number."""
    return sum(any(ch.isdigit() for ch in c.text) for row in rows for c in row)


def in_place(rows: list[Row], pictures: list[tuple[int, bytes]]) -> list[bytes | Row]:
    """A document's rows with its pictures where they stand: (rows before it, picture)."""
    out: list[bytes | Row] = []
    start = 0
    for at, picture in pictures:
        out += [*rows[start:at], picture]
        start = at
    return [*out, *rows[start:]]
