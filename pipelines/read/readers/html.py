"""HTML pages from any portal: real `<table>` markup with rowspan/colspan expanded, layout
tables unwrapped, paragraphs as one-cell rows."""

from __future__ import annotations

import base64
import binascii
import re

import lxml.html
from lxml import etree

from pipelines.files import is_page_picture
from pipelines.read import limits
from pipelines.read.grid import Cell, Row, clean, numbers
from pipelines.read.report import check_tables_not_pictures
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
_DATA_URI = re.compile(r"^data:image/[\w.+-]+;base64,", re.IGNORECASE)
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
    # huge_tree: libxml2 otherwise drops, without a word, everything nested deeper than 256
    # elements (pages built by editors nest that deep); past 2,048 it is refused, not dropped.
    parser = lxml.html.HTMLParser(huge_tree=True)
    root = lxml.html.document_fromstring(text, parser=parser)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        raise limits.refuse("网页的标签嵌套超过2048层", "嵌套2048层")
    rows: list[Row] = []
    title = root.findtext(".//title")
    if title and clean(title):
        rows.append([Cell(clean(title), "网页标题")])
    for meta in root.iter("meta"):
        if (meta.get("name") or meta.get("property") or "").lower() in _PUBLISHED_META:
            rows.append([Cell(f"发布日期：{clean(meta.get('content') or '')}", "网页元数据")])
    body = root.find("body")
    walker = _Walker(rows)
    walker.walk(body if body is not None else root)
    check_tables_not_pictures(
        rows, walker.pictures, walker.numbers, "网页中的统计表是图片（图片版），需要OCR识别"
    )
    return rows


class _Walker:
    """Emits rows in document order; paragraphs are flushed at block boundaries."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.buffer: list[str] = []
        self.tables = 0
        self.paragraphs = 0
        self.cells = 0  # of every table so far
        self.numbers = 0  # cells of every table so far that hold a number
        self.pictures: list[tuple[int, bytes]] = []  # (rows before it, picture) inside the page
        self.bounds = limits.current()

    def picture(self, element: etree._Element) -> None:
        """A page-sized picture inside the page (a `data:` URI: pasted by the portal's editor,
        or put there by the collector, pipelines/collect/pictures.py); others are ignored."""
        src = (element.get("src") or "").strip()
        if not _DATA_URI.match(src):
            return
        try:
            data = base64.b64decode(src.split(",", 1)[1])
        except (binascii.Error, ValueError):
            return  # a damaged picture: the page's text is still read
        if is_page_picture(data):
            self.flush()
            self.pictures.append((len(self.rows), data))

    def flush(self) -> None:
        text = clean("".join(self.buffer))
        self.buffer.clear()
        if text:
            self.paragraphs += 1
            self.rows.append([Cell(text, f"第{self.paragraphs}段")])

    def walk(self, root: etree._Element) -> None:
        """Depth first, in document order, with a stack of its own (a page nested 2,000 deep
        would pass Python's recursion limit)."""
        stack: list[tuple[str, etree._Element]] = [("start", root)]
        while stack:
            step, element = stack.pop()
            if step == "start":
                stack += reversed(self._start(element))
            elif step == "tail":
                self.buffer.append(element.tail)
            elif element.tag.lower() in _BLOCK or element.tag.lower() in ("td", "th"):
                self.flush()  # the end of a block

    def _start(self, element: etree._Element) -> list[tuple[str, etree._Element]]:
        """What follows the start of `element`, in document order: its children, each with
        the text after it, then its end."""
        if not isinstance(element.tag, str) or element.tag in _SKIP:
            return []
        tag = element.tag.lower()
        if tag == "table" and not _has_nested_table(element):
            self.flush()
            self.tables += 1
            table = _table_rows(element, self.tables, self.bounds)
            self.cells += sum(len(row) for row in table)
            self.numbers += numbers(table)
            limits.check_document_cells(self.cells, self.bounds)
            self.rows.extend(table)
            return []
        if tag == "img":
            self.picture(element)
        if tag in _BLOCK:
            self.flush()
        if element.text:
            self.buffer.append(element.text)
        steps = []
        for child in element:
            steps.append(("start", child))
            if child.tail:
                steps.append(("tail", child))
        return [*steps, ("end", element)]


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


def _table_rows(table: etree._Element, number: int, bounds: limits.Limits) -> list[Row]:
    """Expand rowspan/colspan into a dense grid; copies are marked `spanned`. Linear in the
    cells filled, which are capped (a 41 KB page of rowspan=200 colspan=200 asks for 40 M)."""
    grid: dict[tuple[int, int], Cell] = {}
    widths: dict[int, int] = {}
    trs = [tr for tr in table.iter("tr")]
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            rowspan = _span(td.get("rowspan"), bounds.max_span)
            colspan = _span(td.get("colspan"), bounds.max_span)
            limits.check_cells(len(grid) + rowspan * colspan, f"网页第{number}个表格", bounds)
            text = _cell_text(td)
            location = f"表{number} 第{r + 1}行 第{c + 1}列"
            for dr in range(rowspan):
                widths[r + dr] = max(widths.get(r + dr, 0), c + colspan)
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = Cell(text, location, spanned=bool(dr or dc))
            c += colspan
    rows: list[Row] = []
    for r in range(len(trs)):
        cells = [
            grid.get((r, cc), Cell("", f"表{number} 第{r + 1}行 第{cc + 1}列"))
            for cc in range(widths.get(r, 0))
        ]
        if cells:
            rows.append(cells)
    return rows


def _span(value: str | None, largest: int) -> int:
    try:
        return max(1, min(int(value or 1), largest))  # broken markup says rowspan=99999
    except ValueError:
        return 1
