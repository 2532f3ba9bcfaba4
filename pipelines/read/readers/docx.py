"""Word (.docx): paragraphs and tables in document order, merged cells expanded.

python-docx returns a merged cell at every grid position it covers, as the same `w:tc`
element: the first position is the cell, the others are marked `spanned`.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.oxml.ns import nsmap, qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from pipelines.files import is_page_picture
from pipelines.read import limits
from pipelines.read.grid import Cell, Row, clean, numbers
from pipelines.read.report import NotAReport, check_tables_not_pictures

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_PICTURE_IDS = etree.XPath(
    ".//a:blip/@r:embed | .//v:imagedata/@r:id",
    namespaces={**nsmap, "v": "urn:schemas-microsoft-com:vml"},
)


def read(data: bytes) -> list[Row]:
    limits.check_unzipped(data, "Word文件", limits.current())
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # a damaged zip or XML part: a reason for the clerk, not a trace
        raise NotAReport(
            "UNREADABLE_DOCUMENT",
            f"Word文件已损坏或格式不正确，无法读取（{type(exc).__name__}）",
        ) from exc
    walker = _Walker()
    walker.walk(document.element.body, document)
    check_tables_not_pictures(
        walker.rows,
        walker.pictures,
        walker.numbers,
        "Word文件中的统计表是图片（没有文字表格），需要OCR识别",
    )
    return walker.rows


def _pictures(paragraph: Paragraph) -> list[bytes]:
    """The page-sized pictures in a paragraph (DrawingML, or VML as older Word writes)."""
    out = []
    for rid in _PICTURE_IDS(paragraph._p):
        part = paragraph.part.related_parts.get(rid)
        blob = getattr(part, "blob", None)
        if blob and is_page_picture(blob):
            out.append(blob)
    return out


class _Walker:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.tables = 0
        self.paragraphs = 0
        self.cells = 0  # of every table so far
        self.numbers = 0  # cells of every table so far that hold a number
        self.pictures: list[tuple[int, bytes]] = []  # (rows before it, picture) in the body

    def walk(self, container: Any, parent: Any) -> None:
        """Emit the paragraphs and tables of a body, cell or content control in order."""
        for child in container.iterchildren():
            if child.tag == _P:
                paragraph = Paragraph(child, parent)
                self.pictures += [(len(self.rows), p) for p in _pictures(paragraph)]
                text = clean(paragraph.text)
                if text:
                    self.paragraphs += 1
                    self.rows.append([Cell(text, f"第{self.paragraphs}段")])
            elif child.tag == _TBL:
                table = Table(child, parent)
                if child.find(f".//{_TBL}") is not None:
                    self.unwrap(table)
                else:
                    self.tables += 1
                    rows = _table_rows(table, self.tables)
                    self.cells += sum(len(row) for row in rows)
                    self.numbers += numbers(rows)
                    limits.check_document_cells(self.cells, limits.current())
                    self.rows.extend(rows)
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.walk(content, parent)

    def unwrap(self, table: Table) -> None:
        """A layout table holding the real tables: read its cells' content in order."""
        seen: set[Any] = set()
        for row in table.rows:
            for cell in row.cells:
                if cell._tc not in seen:
                    seen.add(cell._tc)
                    self.walk(cell._tc, cell)


def _table_rows(table: Table, number: int) -> list[Row]:
    origins: dict[Any, Cell] = {}  # w:tc element -> the cell where it first appeared
    rows: list[Row] = []
    bounds, count = limits.current(), 0
    for r, row in enumerate(table.rows, start=1):
        # Word lets a row start after the first grid column.
        cells: Row = [
            Cell("", f"表{number} 第{r}行 第{c}列") for c in range(1, row.grid_cols_before + 1)
        ]
        for cell in row.cells:
            first = origins.get(cell._tc)
            if first is None:
                first = Cell(clean(cell.text), f"表{number} 第{r}行 第{len(cells) + 1}列")
                origins[cell._tc] = first
                cells.append(first)
            else:
                cells.append(Cell(first.text, first.location, spanned=True))
        count += len(cells)
        limits.check_cells(count, f"Word文件第{number}个表格", bounds)
        rows.append(cells)
    return rows
