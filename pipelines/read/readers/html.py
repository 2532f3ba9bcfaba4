"""HTML pages from any portal: real `<table>` markup with rowspan/colspan expanded, layout
tables unwrapped, paragraphs as one-cell rows."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from pipelines.read.grid import Cell, Row, clean
from pipelines.text import decode

_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
    ]
)
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "select", "option"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_PUBLISHED_META = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "publishedtime",
    "article:published_time",
)


def read(data: bytes) -> list[Row]:
    text = _XML_DECLARATION.sub("", decode(data))
    if not text.strip():
        return []
    root = lxml.html.document_fromstring(text)
    rows: list[Row] = []
    title = root.findtext(".//title")
    if title and clean(title):
        rows.append([Cell(clean(title), "网页标题")])
    for meta in root.iter("meta"):
        if (meta.get("name") or meta.get("property") or "").lower() in _PUBLISHED_META:
            rows.append([Cell(f"发布日期：{clean(meta.get('content') or '')}", "网页元数据")])
    body = root.find("body")
    _Walker(rows).walk(body if body is not None else root)
    return rows


class _Walker:
    """Emits rows in document order; paragraphs are flushed at block boundaries."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.buffer: list[str] = []
        self.tables = 0
        self.paragraphs = 0

    def flush(self) -> None:
        text = clean("".join(self.buffer))
        self.buffer.clear()
        if text:
            self.paragraphs += 1
            self.rows.append([Cell(text, f"第{self.paragraphs}段")])

    def walk(self, element: etree._Element) -> None:
        if not isinstance(element.tag, str) or element.tag in _SKIP:
            return
        tag = element.tag.lower()
        if tag == "table" and not _has_nested_table(element):
            self.flush()
            self.tables += 1
            self.rows.extend(_table_rows(element, self.tables))
            return
        block = tag in _BLOCK
        if block:
            self.flush()
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            self.walk(child)
            if child.tail:
                self.buffer.append(child.tail)
        if block or tag in ("td", "th"):
            self.flush()


def _has_nested_table(table: etree._Element) -> bool:
    return any(True for _ in table.iterdescendants("table"))


def _cell_text(cell: etree._Element) -> str:
    parts: list[str] = []
    for node in cell.iter():
        if node is not cell and node.tag in _SKIP:
            continue
        if node.tag == "br":
            parts.append(" ")
        if node.text and node.tag not in _SKIP:
            parts.append(node.text)
        if node is not cell and node.tail:
            parts.append(node.tail)
    return clean("".join(parts))


def _table_rows(table: etree._Element, number: int) -> list[Row]:
    """Expand rowspan/colspan into a dense grid; copies are marked `spanned`."""
    grid: dict[tuple[int, int], Cell] = {}
    trs = [tr for tr in table.iter("tr")]
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            rowspan = _span(td.get("rowspan"))
            colspan = _span(td.get("colspan"))
            text = _cell_text(td)
            location = f"表{number} 第{r + 1}行 第{c + 1}列"
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = Cell(text, location, spanned=bool(dr or dc))
            c += colspan
    rows: list[Row] = []
    for r in range(len(trs)):
        width = max((cc for rr, cc in grid if rr == r), default=-1) + 1
        cells = [
            grid.get((r, cc), Cell("", f"表{number} 第{r + 1}行 第{cc + 1}列"))
            for cc in range(width)
        ]
        if cells:
            rows.append(cells)
    return rows


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 200))  # a bound: broken markup says rowspan=99999
    except ValueError:
        return 1
