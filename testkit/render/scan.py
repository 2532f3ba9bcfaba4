"""A PDF's pages as a scanner or a portal's 「图片版」 gives them: pictures, no text layer, with
the skew, noise, blur and JPEG loss of real scans when asked."""

from __future__ import annotations

import io

from PIL import Image, ImageFilter

from testkit.render.layout import Layout, Table


def pictures(
    pdf: bytes,
    dpi: int = 200,
    *,
    skew: float = 0.0,
    noise: float = 0.0,
    quality: int | None = None,
    seed: int = 0,
) -> list[Image.Image]:
    """Each page rendered grey at `dpi`, turned by `skew` degrees, with Gaussian noise of
    `noise` grey levels and a slight blur where noise is asked, and JPEG at `quality`."""
    import numpy as np
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        pages = [
            page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in document
        ]
    finally:
        document.close()
    rng = np.random.default_rng(seed)
    out = []
    for n, page in enumerate(pages):
        if skew:
            page = page.rotate(
                skew * (1 if n % 2 == 0 else -1), resample=Image.BICUBIC, fillcolor=255
            )
        if noise:
            page = page.filter(ImageFilter.GaussianBlur(0.6))
            grey = np.asarray(page, dtype=np.float32) + rng.normal(
                0, noise, (page.height, page.width)
            )
            page = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8))
        if quality is not None:
            buffer = io.BytesIO()
            page.save(buffer, "JPEG", quality=quality)
            page = Image.open(io.BytesIO(buffer.getvalue()))
        out.append(page)
    return out


def scanned(pdf: bytes, dpi: int = 200, **damage: float) -> bytes:
    """An image-only PDF of a PDF's pages, as a scanner makes it (no text layer)."""
    images = pictures(pdf, dpi, **damage)  # type: ignore[arg-type]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


def one_picture(pdf: bytes, dpi: int = 150, fmt: str = "PNG", **damage: float) -> bytes:
    """Every page stacked in one tall picture, as some portals publish a whole report."""
    images = pictures(pdf, dpi, **damage)  # type: ignore[arg-type]
    tall = Image.new("L", (max(i.width for i in images), sum(i.height for i in images)), 255)
    top = 0
    for image in images:
        tall.paste(image, (0, top))
        top += image.height
    out = io.BytesIO()
    tall.save(out, fmt)
    return out.getvalue()


# How the generated 「图片版」 pictures are damaged: grey JPEG at 200 dpi, skewed, noisy, as a
# portal's scanned tables are.
REALISTIC = {"skew": 0.8, "noise": 8.0, "quality": 60}


def table_pictures(table: Table, dpi: int = 200, **damage: float) -> list[bytes]:
    """A table as a portal publishes it in a 「图片版」 page: the table alone printed and
    scanned, cut to its ink with a margin, one JPEG a page the table runs over."""
    import numpy as np

    from testkit.render.pdf import write_pdf

    whole = Layout([], [Table(table.rows, table.spans, table.widths)])  # no page break asked
    out = []
    for page in pictures(write_pdf(whole), dpi, **damage):  # type: ignore[arg-type]
        ys, xs = np.nonzero(np.asarray(page) < 160)
        margin = dpi // 10
        box = (
            max(0, int(xs.min()) - margin),
            max(0, int(ys.min()) - margin),
            min(page.width, int(xs.max()) + margin),
            min(page.height, int(ys.max()) + margin),
        )
        buffer = io.BytesIO()
        page.crop(box).save(buffer, "JPEG", quality=int(damage.get("quality") or 85))
        out.append(buffer.getvalue())
    return out


def page_pictures(pdf: bytes, dpi: int = 200, **damage: float) -> list[bytes]:
    """Each page of a PDF as a JPEG, as a portal publishes a whole report in pictures."""
    out = []
    for page in pictures(pdf, dpi, **damage):  # type: ignore[arg-type]
        buffer = io.BytesIO()
        page.save(buffer, "JPEG", quality=int(damage.get("quality") or 85))
        out.append(buffer.getvalue())
    return out


def data_uri(picture: bytes) -> str:
    """A JPEG inside a page, as a portal's editor pastes it (and the collector puts it)."""
    import base64

    return "data:image/jpeg;base64," + base64.b64encode(picture).decode("ascii")
