"""PDF with a text layer: tables read cell by cell from ruling lines and character positions
(pdfium's text layer and graphics), the text around them as paragraphs, both in reading order.

Reading cells by position is what keeps multi-digit numbers whole and in their column; a
flattened text stream loses the column boundaries. A table that runs over a page break comes
out as the next rows of the grid, which is all the extractor needs.

Tables printed without ruling lines (WPS/Word with borders hidden, some "print to PDF"
output) are read from word positions: a row is a line of words ending in numbers, the columns
are the runs of numbers that line up down the table, named by the header above them (which
also shows a column left blank in every row). Where the columns cannot be told apart with
confidence the table's lines stay plain text, marked so that the report says why its numbers
were not read (`unread_tables`): a number is left out rather than put in the wrong column.

The modules: `layer` (characters and painted paths from pdfium), `words` (characters into
words and lines), `ruled` (tables with ruling lines), `borderless` (tables without them),
`blocks` (a page's tables and text lines into the document's rows), `text` (what they share).
The characters' boxes and the grouping into words, lines and ruled tables are pdfplumber's
(which this reader was first built on, six times slower: pdfminer builds every layout object
in Python), so that every tolerance tuned on them keeps its meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from pipelines.read.grid import Row, clean
from pipelines.read.readers.pdf import borderless, layer, ruled, words
from pipelines.read.readers.pdf.blocks import UNREAD, Block, Line, Table, assemble
from pipelines.read.readers.pdf.borderless import Grid
from pipelines.read.readers.pdf.borderless.lines import Visual, visual_lines
from pipelines.read.readers.pdf.layer import Char
from pipelines.read.readers.pdf.text import MARGIN, join_lines, page_number
from pipelines.read.report import NotAReport

# Fewer visible characters than this per page on average: the text layer is missing (a scan,
# perhaps with a stamped page number), and reading it would give an empty report, not zeros.
_MIN_CHARS_PER_PAGE = 20
_SPACED_NUMBER = re.compile(r"^\d[\d\s,.]*\d$")
_SPACE = re.compile(r"\s+")
_BAND = 20.0  # pt: the page cut into bands to find the boxes near a character


@dataclass
class _Page:
    number: int
    height: float
    chars: list[Char]  # without doubled characters
    tables: list[Table]
    boxes: list[tuple[float, float, float, float]]  # of the ruled tables
    lines: list[Visual]  # lines of words outside the ruled tables


def read(data: bytes) -> list[Row]:
    try:
        with layer.LOCK:
            pdf = pdfium.PdfDocument(data)
            try:
                printed = list(layer.pages(pdf))
            finally:
                pdf.close()
        _check_text_layer(printed)
        pages = [_prepare(page) for page in printed]
        grid = borderless.tables([line for page in pages for line in page.lines])
        blocks = [_read_page(page, grid) for page in pages]
    except NotAReport:
        raise
    except Exception as exc:  # pdfium fails on damaged input: a reason, not a trace
        raise NotAReport("UNREADABLE_DOCUMENT", _unreadable_reason(exc)) from exc
    if not blocks:
        raise NotAReport("UNREADABLE_DOCUMENT", "PDF文件中没有页面，文件可能已损坏或不完整")
    return assemble(blocks)


def unread_tables(rows: list[Row]) -> list[str]:
    """Where a borderless table was left as text because its columns could not be told apart
    (the reader's `TABLE_LAYOUT` cases)."""
    return [c.location for row in rows for c in row if c.location.endswith(UNREAD)]


def _check_text_layer(pages: list[layer.Page]) -> None:
    # A character without Unicode counts as printed, whatever code pdfium gives in its place.
    chars = [c for page in pages for c in page.chars if c.unmapped or c.text.strip()]
    if pages and len(chars) < _MIN_CHARS_PER_PAGE * len(pages):
        raise NotAReport("SCANNED_DOCUMENT", "扫描件（没有文字层），需要OCR识别")
    # A font without a Unicode map: the characters' codes are known, their text is not.
    if sum(c.unmapped for c in chars) > len(chars) / 2:  # read as a scan is: by OCR
        raise NotAReport(
            "SCANNED_DOCUMENT", "PDF的文字层无法解码（字体缺少Unicode映射），需要OCR识别"
        )


def _unreadable_reason(exc: Exception) -> str:
    code = getattr(exc, "err_code", None)
    if code in (pdfium_raw.FPDF_ERR_PASSWORD, pdfium_raw.FPDF_ERR_SECURITY):
        return "PDF文件已加密（需要密码才能打开），无法读取"
    # pdfium says "Failed to load document (PDFium: Data format error)."; keep what it names.
    detail = str(exc).rsplit("PDFium: ", 1)[-1].rstrip(").") or type(exc).__name__
    return f"PDF文件已损坏或格式不正确，无法读取（{detail}）"


def _prepare(page: layer.Page) -> _Page:
    """The page's ruled tables, and the lines of words outside them."""
    chars = words.unique(page.chars)
    found = ruled.tables(page, chars)
    boxes = [box for box, _ in found]
    tables = [Table(box[1], [[_cell_text(c) for c in row] for row in rows]) for box, rows in found]
    outside = _outside(chars, boxes)
    lines = visual_lines(page.number, page.height, outside)
    return _Page(page.number, page.height, chars, tables, boxes, lines)


def _read_page(page: _Page, grid: Grid) -> list[Block]:
    """The page's tables and its text lines outside them, top to bottom."""
    rows = grid.rows.get(page.number, [])
    taken = page.boxes + [box for row in rows for box in row.boxes]
    outside = _outside(page.chars, taken)
    unread = grid.unread.get(page.number, [])
    blocks: list[Block] = [*page.tables, *(row.block for row in rows)]
    margin = page.height * MARGIN
    for line in words.text_lines(outside):
        text = clean(line.text)
        in_margin = line.top > page.height - margin or line.bottom < margin
        if not text or (in_margin and page_number(text)):
            continue
        size = words.font_size(line.chars)
        centre = (line.top + line.bottom) / 2
        flagged = any(top <= centre <= bottom for top, bottom in unread)
        blocks.append(Line(line.top, line.bottom, line.x0, line.x1, size, text, flagged))
    blocks.sort(key=lambda b: b.top)
    return blocks


def _outside(chars: list[Char], boxes: list[tuple[float, float, float, float]]) -> list[Char]:
    """The characters whose centres are in none of the boxes. The boxes are looked up by the
    bands of the page they cross: a page can hold hundreds (the words of borderless rows)."""
    bands: dict[int, list[tuple[float, float, float, float]]] = {}
    for box in boxes:
        for band in range(int(box[1] // _BAND), int(box[3] // _BAND) + 1):
            bands.setdefault(band, []).append(box)
    out = []
    for char in chars:
        x = (char.x0 + char.x1) / 2
        y = (char.top + char.bottom) / 2
        near = bands.get(int(y // _BAND), ())
        if not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in near):
            out.append(char)
    return out


def _cell_text(text: str | None) -> str | None:
    if text is None:
        return None
    text = clean(join_lines(text.split("\n")))
    # Letter-spaced digits ("4 4 7 2 2 8" in a cell set to distributed alignment) are one number.
    return _SPACE.sub("", text) if _SPACED_NUMBER.match(text) else text
