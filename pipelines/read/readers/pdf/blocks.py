"""What a page is read into (ruled tables, rows of borderless tables, lines of text), and the
document's rows made of them: tables cell by cell, the lines joined into paragraphs, each cell
with the page, table, row and column (or paragraph) it was read from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from pipelines.read.grid import Cell, Row, clean
from pipelines.read.readers.pdf.text import join_lines

# A line that opens with section numbering starts a paragraph even when nothing else shows it.
_HEADING_START = re.compile(r"^[（(]?[一二三四五六七八九十]+[)）、]")
# Said in the location of a borderless table's lines left as text (see `unread_tables`).
UNREAD = "（无框线表格，未按列读取）"


@dataclass
class Line:
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    unread: bool = False  # a row of a borderless table whose columns could not be told apart


@dataclass
class Table:
    top: float
    rows: list[list[str | None]]  # None: a position covered by a merged cell


@dataclass
class GridRow:
    """One row of a borderless table: (column number, text) of each cell it prints."""

    top: float
    table: int  # the same for every row of one table, over page breaks
    number: int  # row within the table's part on this page
    cells: list[tuple[int, str]]


Block = Line | Table | GridRow


def assemble(pages: list[list[Block]]) -> list[Row]:
    lines = [b for blocks in pages for b in blocks if isinstance(b, Line)]
    # The body text's margins: the outermost line ends that more than one line shares (titles
    # are centred, first lines indented, last lines short; a stray mark counts once).
    left = _shared(sorted(round(b.x0) for b in lines))
    right = _shared(sorted((round(b.x1) for b in lines), reverse=True))
    rows: list[Row] = []
    for number, blocks in enumerate(pages, start=1):
        rows.extend(_page_rows(number, blocks, left, right))
    return rows


def _page_rows(number: int, blocks: list[Block], left: float, right: float) -> list[Row]:
    items: list[Table | GridRow | list[Line]] = []  # tables and paragraphs (runs of lines)
    for block in blocks:
        if not isinstance(block, Line):
            items.append(block)
        elif (
            items and isinstance(items[-1], list) and _continues(items[-1][-1], block, left, right)
        ):
            items[-1].append(block)
        else:
            items.append([block])
    rows: list[Row] = []
    tables = paragraphs = 0
    borderless: dict[int, int] = {}  # table id: its number on this page
    for item in items:
        if isinstance(item, list):
            paragraphs += 1
            text = clean(join_lines([line.text for line in item]))
            where = f"第{number}页 第{paragraphs}段"
            rows.append([Cell(text, where + UNREAD if any(x.unread for x in item) else where)])
            continue
        if isinstance(item, GridRow):
            if item.table not in borderless:
                tables += 1
                borderless[item.table] = tables
            t = borderless[item.table]
            rows.append(
                [
                    Cell(text, f"第{number}页 表{t} 第{item.number}行 第{c}列")
                    for c, text in item.cells
                ]
            )
            continue
        tables += 1
        for r, texts in enumerate(item.rows, start=1):
            rows.append(
                [
                    Cell(text or "", f"第{number}页 表{tables} 第{r}行 第{c}列", text is None)
                    for c, text in enumerate(texts, start=1)
                ]
            )
    return rows


def _shared(values: list[int]) -> float:
    """The first value that occurs at least twice, else the first."""
    repeated = next((v for v, w in pairwise(values) if v == w), None)
    return float(repeated if repeated is not None else values[0] if values else 0)


def _continues(prev: Line, line: Line, left: float, right: float) -> bool:
    """Whether `line` goes on with the paragraph that `prev` ends."""
    size = max(prev.size, line.size)
    if abs(prev.size - line.size) > 1 or line.top - prev.bottom > size:
        return False
    if _HEADING_START.match(line.text):
        return False
    centre = (left + right) / 2
    if all(abs((x.x0 + x.x1) / 2 - centre) < size and x.x0 > left + size for x in (prev, line)):
        return True  # a title centred over two lines
    # First-line indent or a short previous line marks a new paragraph.
    return line.x0 < left + size / 2 and prev.x1 > right - 2 * size
