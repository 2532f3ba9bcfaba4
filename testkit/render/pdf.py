"""A layout as a PDF with a text layer (reportlab: a dev-only dependency)."""

from __future__ import annotations

import html
import io
from typing import Any

from testkit.render.layout import Layout, Table


def write_pdf(
    doc: Layout,
    *,
    white_boxes: bool = False,
    ruled: bool = True,
    centred: bool = False,
    footer: str = "",
    split_rows: bool = False,
    owner_password: str | None = None,
) -> bytes:
    """A PDF with ruled tables (reportlab, CID font STSong-Light: no font file needed);
    `ruled` False draws no lines, as word processors print borderless tables; `centred` sets
    every cell's text in its middle, across and down, as WPS tables often are. `footer`, e.g.
    "- {n} -", is printed centred under every page (n: the page number), as word processors
    number pages, and a long table runs on over the page break between two of them.
    `split_rows` lets a row break across pages (Word's 允许跨行断页): its cells' text goes on at
    the top of the next page. `owner_password`: encrypted with an owner password only (opens
    without one; printing and copying "not allowed"), as some portals publish reports."""
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, TableStyle
    from reportlab.platypus import Table as PdfTable

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=TA_CENTER)
    body = ParagraphStyle(
        "body", fontName=font, fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK"
    )
    cell = ParagraphStyle(
        "cell",
        fontName=font,
        fontSize=7,
        leading=9,
        wordWrap="CJK",
        alignment=TA_CENTER if centred else TA_LEFT,
    )
    right = ParagraphStyle("right", fontName=font, fontSize=12, leading=20, alignment=TA_RIGHT)

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph("<br/>".join(html.escape(x) for x in text.split("\n")), style)

    def table(spec: Table, rows: range) -> PdfTable:
        grid = [[para(spec.rows[r][c], cell) for c in range(len(spec.widths))] for r in rows]
        style = TableStyle(_table_style(spec, rows, ruled=ruled, centred=centred))
        return PdfTable(grid, colWidths=spec.widths, style=style, splitInRow=int(split_rows))

    flowables: list[Any] = [para(line, title) for line in doc.title]
    for block in doc.blocks:
        if isinstance(block, str):
            flowables.append(para(block, body))
        elif block.page_break_after is None:
            flowables.append(table(block, range(len(block.rows))))
        else:
            flowables.append(table(block, range(block.page_break_after)))
            flowables.append(PageBreak())
            flowables.append(table(block, range(block.page_break_after, len(block.rows))))
    flowables += [para(line, right) for line in doc.closing]

    def boxes(canvas: Any, _: object) -> None:
        """Invisible boxes behind the text, as some word processors draw: no table."""
        canvas.setFillColorRGB(1, 1, 1)
        for i in range(6):
            canvas.rect(72, 600 + i * 28, 450, 28, stroke=0, fill=1)

    def page_number(canvas: Any, pdf: Any) -> None:
        if white_boxes and pdf.page == 1:
            boxes(canvas, pdf)
        if footer:
            canvas.setFont(font, 10)
            canvas.drawCentredString(A4[0] / 2, 28, footer.format(n=pdf.page))

    out = io.BytesIO()
    encrypt = None
    if owner_password is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption("", owner_password, canPrint=0, canModify=0, canCopy=0)
    pdf = SimpleDocTemplate(
        out, pagesize=A4, topMargin=50, bottomMargin=50, invariant=1, encrypt=encrypt
    )
    pdf.build(flowables, onFirstPage=page_number, onLaterPages=page_number)
    return out.getvalue()


def _table_style(spec: Table, rows: range, *, ruled: bool, centred: bool) -> list[tuple[Any, ...]]:
    style: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "MIDDLE" if centred else "TOP")]
    if ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
    for r0, c0, r1, c1 in spec.spans:  # clipped to this page's part of the table
        top, bottom = max(r0, rows.start), min(r1, rows.stop - 1)
        if top <= bottom and (top, c0) != (bottom, c1):
            style.append(("SPAN", (c0, top - rows.start), (c1, bottom - rows.start)))
    return style
