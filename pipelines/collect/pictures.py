"""A report published as pictures on its page (「图片版」: its pages, or just its tables, as
`<img>` in the article): the page with its page-sized pictures (not logos or icons) put inside
it as `data:` URIs, one self-contained document the HTML reader reads, the pictures by OCR
where they stand among the page's text.

The document is made from the page's and the pictures' bytes alone (no date, no name), so the
same page and pictures give the same document, byte for byte, at every run.
"""

from __future__ import annotations

import base64
import io

from lxml import html as lxml_html
from PIL import Image

from pipelines.collect import discovery
from pipelines.files import picture_size

MAX_PICTURES = 12  # pictures of one page fetched at most (a report: 3–10 pages)
MAX_PIXELS = 40_000_000  # of the pictures of one page: what OCR reads of one page at most


def inline(page: bytes, base_url: str, had: dict[str, bytes]) -> bytes:
    """The page (UTF-8) with the pictures `had` (absolute URL → bytes) inside it, in page
    order; those past MAX_PIXELS, and the pictures not had, left as links."""
    tags = discovery.picture_tags(page, base_url)
    pixels = 0
    for img, url in tags:
        data = had.get(url)
        found = picture_size(data) if data is not None else None
        if data is None or found is None:
            continue
        pixels += found[0] * found[1]
        if pixels > MAX_PIXELS:
            break
        img.set("src", f"data:image/{_kind(data)};base64,{base64.b64encode(data).decode('ascii')}")
    root = tags[0][0].getroottree()
    return lxml_html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")


def _kind(data: bytes) -> str:
    """The picture's type as a data URI names it: jpeg, png, gif, bmp, webp …"""
    with Image.open(io.BytesIO(data)) as image:
        return (image.format or "jpeg").lower()
