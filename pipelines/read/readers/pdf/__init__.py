"""PDF with a text layer: tables read cell by cell from ruling lines and character positions
(pdfplumber), the text around them as paragraphs, both in reading order.

Reading cells by position is what keeps multi-digit numbers whole and in their column; a
flattened text stream loses the column boundaries. A table that runs over a page break comes
out as the next rows of the grid, which is all the extractor needs.

Tables printed without ruling lines (WPS/Word with borders hidden, some "print to PDF"
output) are read from word positions: a row is a line of words ending in numbers, the columns
are the runs of numbers that line up down the table, named by the header above them (which
also shows a column left blank in every row). Where the columns cannot be told apart with
confidence the table's lines stay plain text, marked so that the report says why its numbers
were not read (`unread_tables`): a number is left out rather than put in the wrong column.

The modules: `ruled` (tables with ruling lines), `borderless` (tables without them),
`blocks` (a page's tables and text lines into the document's rows), `text` (what they share).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pdfplumber
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from pipelines.read.grid import Row, clean
from pipelines.read.readers.pdf import borderless, ruled
from pipelines.read.readers.pdf.blocks import UNREAD, Block, Line, Table, assemble
from pipelines.read.readers.pdf.borderless import Grid
from pipelines.read.readers.pdf.borderless.lines import Visual, visual_lines
from pipelines.read.readers.pdf.text import MARGIN, join_lines, page_number
from pipelines.read.report import NotAReport

# Fewer visible characters than this per page on average: the text layer is missing (a scan,
# perhaps with a stamped page number), and reading it would give an empty report, not zeros.
_MIN_CHARS_PER_PAGE = 20
_SPACED_NUMBER = re.compile(r"^\d[\d\s,.]*\d$")
_SPACE = re.compile(r"\s+")


@dataclass
class _Page:
    number: int
    page: Page  # without invisible graphics and doubled characters
    tables: list[Table]
    boxes: list[tuple[float, float, float, float]]  # of the ruled tables
    lines: list[Visual]  # lines of words outside the ruled tables


def read(data: bytes) -> list[Row]:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            _check_text_layer(pdf.pages)
            pages = [_prepare(n, page) for n, page in enumerate(pdf.pages, start=1)]
            grid = borderless.tables([line for page in pages for line in page.lines])
            blocks = [_read_page(page, grid) for page in pages]
    except NotAReport:
        raise
    except Exception as exc:  # pdfminer fails anywhere on damaged input: a reason, not a trace
        raise NotAReport("UNREADABLE_DOCUMENT", _unreadable_reason(exc)) from exc
    if not blocks:
        raise NotAReport("UNREADABLE_DOCUMENT", "PDF文件中没有页面，文件可能已损坏或不完整")
    return assemble(blocks)


def unread_tables(rows: list[Row]) -> list[str]:
    """Where a borderless table was left as text because its columns could not be told apart
    (the reader's `TABLE_LAYOUT` cases)."""
    return [c.location for row in rows for c in row if c.location.endswith(UNREAD)]


def _check_text_layer(pages: list[Page]) -> None:
    chars = [c["text"] for page in pages for c in page.chars if c["text"].strip()]
    if pages and len(chars) < _MIN_CHARS_PER_PAGE * len(pages):
        raise NotAReport("SCANNED_DOCUMENT", "扫描件（没有文字层），需要OCR识别，暂未读取")
    # A font without a Unicode map: pdfminer can only say "(cid:123)" for each character.
    if sum(c.startswith("(cid:") for c in chars) > len(chars) / 2:
        raise NotAReport(
            "UNREADABLE_DOCUMENT",
            "PDF的文字层无法解码（字体缺少Unicode映射），读不出文字，需要OCR识别",
        )


def _unreadable_reason(exc: Exception) -> str:
    if isinstance(exc, PdfminerException) and exc.args and isinstance(exc.args[0], Exception):
        exc = exc.args[0]  # pdfplumber wraps pdfminer's error: name the real one
    name = type(exc).__name__
    if "Password" in name or "Encrypt" in name:
        return "PDF文件已加密（需要密码才能打开），无法读取"
    return f"PDF文件已损坏或格式不正确，无法读取（{name}）"


def _prepare(number: int, page: Page) -> _Page:
    """The page's ruled tables, and the lines of words outside them."""
    page = page.dedupe_chars().filter(ruled.visible)  # fake bold prints each character twice
    found = ruled.tables(page)
    boxes = [box for box, _ in found]
    tables = [Table(box[1], [[_cell_text(c) for c in row] for row in rows]) for box, rows in found]
    outside = page.filter(lambda obj: obj["object_type"] != "char" or not _inside(obj, boxes))
    return _Page(number, page, tables, boxes, visual_lines(number, outside))


def _read_page(page: _Page, grid: Grid) -> list[Block]:
    """The page's tables and its text lines outside them, top to bottom."""
    rows = grid.rows.get(page.number, [])
    taken = page.boxes + [box for row in rows for box in row.boxes]
    outside = page.page.filter(lambda obj: obj["object_type"] != "char" or not _inside(obj, taken))
    unread = grid.unread.get(page.number, [])
    blocks: list[Block] = [*page.tables, *(row.block for row in rows)]
    for line in outside.extract_text_lines(return_chars=True):
        text = clean(line["text"])
        margin = page.page.height * MARGIN
        in_margin = line["top"] > page.page.height - margin or line["bottom"] < margin
        if not text or (in_margin and page_number(text)):
            continue
        size = Counter(round(c["size"], 1) for c in line["chars"]).most_common(1)[0][0]
        centre = (line["top"] + line["bottom"]) / 2
        flagged = any(top <= centre <= bottom for top, bottom in unread)
        blocks.append(
            Line(line["top"], line["bottom"], line["x0"], line["x1"], size, text, flagged)
        )
    blocks.sort(key=lambda b: b.top)
    return blocks


def _inside(char: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _cell_text(text: str | None) -> str | None:
    if text is None:
        return None
    text = clean(join_lines(text.split("\n")))
    # Letter-spaced digits ("4 4 7 2 2 8" in a cell set to distributed alignment) are one number.
    return _SPACE.sub("", text) if _SPACED_NUMBER.match(text) else text
