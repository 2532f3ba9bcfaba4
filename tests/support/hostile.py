"""Hostile documents the tests generate (issue 13's red-team inputs, small on disk)."""

from __future__ import annotations

import io
import zipfile

from reportlab.pdfgen import canvas


def blank_pdf(pages: int, size: tuple[float, float] = (595, 842)) -> bytes:
    """A PDF of blank pages (no text layer: read by OCR), `size` in points."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=size)
    for _ in range(pages):
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def zip_bomb(megabytes: int = 300) -> bytes:
    """A Word file (a zip) under 1 MB whose document part unzips to `megabytes` MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(b"A" * (1 << 20))
    return buffer.getvalue()
