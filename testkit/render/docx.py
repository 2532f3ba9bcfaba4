"""A layout as Word: DOCX (python-docx), and .doc converted from it by LibreOffice."""

from __future__ import annotations

import io

from testkit.render.layout import Layout


def write_docx(doc: Layout, pictures: list[list[bytes]] | None = None) -> bytes:
    """`pictures`: the tables printed as pictures, each table's pictures in order."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    word = Document()
    for line in doc.title:
        word.add_paragraph(line)
    tables = iter(pictures or [])
    for block in doc.blocks:
        if isinstance(block, str):
            word.add_paragraph(block)
            continue
        if pictures is not None:
            for picture in next(tables):
                word.add_picture(io.BytesIO(picture), width=Cm(16))
            continue
        table = word.add_table(rows=len(block.rows), cols=len(block.widths))
        table.style = "Table Grid"
        # python-docx's Table.cell() lists every cell on each call: list them once
        cells = table._cells
        width = len(block.widths)
        for r, row in enumerate(block.rows):
            for c, text in enumerate(row):
                cells[r * width + c].text = text
        for r0, c0, r1, c1 in block.spans:
            text = block.rows[r0][c0]
            merged = cells[r0 * width + c0].merge(cells[r1 * width + c1])
            merged.text = text  # merging concatenates the covered cells' paragraphs
    for line in doc.closing:
        word.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def write_doc(doc: Layout) -> bytes:
    """Word 97 (.doc), converted from the DOCX by LibreOffice as a clerk's "save as" would."""
    from pipelines.read.readers.doc import convert

    return convert(write_docx(doc), ".docx", "doc:MS Word 97")
