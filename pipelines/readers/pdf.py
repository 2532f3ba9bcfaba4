"""PDF with a text layer: tables read cell by cell from ruling lines and character positions
(pdfplumber), the text around them as paragraphs, both in reading order.

Reading cells by position is what keeps multi-digit numbers whole and in their column; a
flattened text stream loses the column boundaries. A table that runs over a page break comes
out as the next rows of the grid, which is all the extractor needs.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pdfplumber
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from pipelines.grid import Cell, Row, clean
from pipelines.report import NotAReport

# Fewer visible characters than this per page on average: the text layer is missing (a scan,
# perhaps with a stamped page number), and reading it would give an empty report, not zeros.
_MIN_CHARS_PER_PAGE = 20
# Only digits and page-number decoration ("- 3 -", "第3页 共6页"), in the top or bottom margin.
_PAGE_NUMBER = re.compile(r"^[\s\-—–－第页共/／()（）]*\d{1,4}[\s\-—–－第页共/／()（）\d]*$")
_MARGIN = 0.1  # of the page height
_SPACED_NUMBER = re.compile(r"^\d[\d\s,.]*\d$")
_SPACE = re.compile(r"\s+")
# A line that opens with section numbering starts a paragraph even when nothing else shows it.
_HEADING_START = re.compile(r"^[（(]?[一二三四五六七八九十]+[)）、]")


@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str


@dataclass
class _Table:
    top: float
    rows: list[list[str | None]]  # None: a position covered by a merged cell


def read(data: bytes) -> list[Row]:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            _check_text_layer(pdf.pages)
            pages = [_read_page(page) for page in pdf.pages]
    except NotAReport:
        raise
    except Exception as exc:  # pdfminer fails anywhere on damaged input: a reason, not a trace
        raise NotAReport("UNREADABLE_DOCUMENT", _unreadable_reason(exc)) from exc
    if not pages:
        raise NotAReport("UNREADABLE_DOCUMENT", "PDF文件中没有页面，文件可能已损坏或不完整")
    return _rows(pages)


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


# ---------------------------------------------------------------- one page


def _read_page(page: Page) -> list[_Line | _Table]:
    """The page's tables and its text lines outside them, top to bottom."""
    page = page.dedupe_chars().filter(_visible)  # fake bold prints each character twice
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    blocks: list[_Line | _Table] = [
        _Table(t.bbox[1], [[_cell_text(c) for c in row] for row in t.extract()]) for t in tables
    ]
    outside = page.filter(lambda obj: obj["object_type"] != "char" or not _inside(obj, boxes))
    for line in outside.extract_text_lines(return_chars=True):
        text = clean(line["text"])
        margin = page.height * _MARGIN
        in_margin = line["top"] > page.height - margin or line["bottom"] < margin
        if not text or (in_margin and _PAGE_NUMBER.match(text)):
            continue
        size = Counter(round(c["size"], 1) for c in line["chars"]).most_common(1)[0][0]
        blocks.append(_Line(line["top"], line["bottom"], line["x0"], line["x1"], size, text))
    blocks.sort(key=lambda b: b.top)
    return blocks


def _visible(obj: dict[str, Any]) -> bool:
    """Drop graphics nobody sees (white boxes behind text): their edges make phantom tables."""
    if obj["object_type"] not in ("rect", "line", "curve"):
        return True
    stroked = obj.get("stroke") and not _white(obj.get("stroking_color"))
    filled = obj.get("fill") and not _white(obj.get("non_stroking_color"))
    return bool(stroked or filled)


def _white(color: Any) -> bool:
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, tuple | list) or not all(isinstance(v, int | float) for v in color):
        return False  # patterns and unknown colour spaces: assume visible
    if len(color) == 4:  # CMYK
        return all(v <= 0.02 for v in color)
    return len(color) in (1, 3) and all(v >= 0.98 for v in color)


def _inside(char: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _cell_text(text: str | None) -> str | None:
    if text is None:
        return None
    text = clean(_join_lines(text.split("\n")))
    # Letter-spaced digits ("4 4 7 2 2 8" in a cell set to distributed alignment) are one number.
    return _SPACE.sub("", text) if _SPACED_NUMBER.match(text) else text


def _join_lines(lines: list[str]) -> str:
    """Chinese wraps anywhere and needs no space at a line break; Latin words do. Digits are
    joined: a number wrapped in a narrow cell is still one number."""
    out = ""
    for line in (s.strip() for s in lines):
        if out and line and out[-1].isascii() and out[-1].isalpha() and line[0].isascii():
            out += " "
        out += line
    return out


# ---------------------------------------------------------------- the whole document


def _rows(pages: list[list[_Line | _Table]]) -> list[Row]:
    lines = [b for blocks in pages for b in blocks if isinstance(b, _Line)]
    # The body text's margins: the outermost line ends that more than one line shares (titles
    # are centred, first lines indented, last lines short; a stray mark counts once).
    left = _shared(sorted(round(b.x0) for b in lines))
    right = _shared(sorted((round(b.x1) for b in lines), reverse=True))
    rows: list[Row] = []
    for number, blocks in enumerate(pages, start=1):
        rows.extend(_page_rows(number, blocks, left, right))
    return rows


def _page_rows(number: int, blocks: list[_Line | _Table], left: float, right: float) -> list[Row]:
    items: list[_Table | list[_Line]] = []  # tables and paragraphs (runs of lines)
    for block in blocks:
        if isinstance(block, _Table):
            items.append(block)
        elif (
            items and isinstance(items[-1], list) and _continues(items[-1][-1], block, left, right)
        ):
            items[-1].append(block)
        else:
            items.append([block])
    rows: list[Row] = []
    tables = paragraphs = 0
    for item in items:
        if isinstance(item, list):
            paragraphs += 1
            text = clean(_join_lines([line.text for line in item]))
            rows.append([Cell(text, f"第{number}页 第{paragraphs}段")])
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


def _continues(prev: _Line, line: _Line, left: float, right: float) -> bool:
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
