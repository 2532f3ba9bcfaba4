"""A report published as pictures on its page (「图片版」): the pictures that are pages (not
logos or icons) stacked, in page order, into one grey PNG, the document OCR reads.

The PNG is made from the pictures' bytes alone (no date, no name), so the same pictures give
the same document, byte for byte, at every run.
"""

from __future__ import annotations

import io

from PIL import Image

# A picture smaller than this is a logo, an icon or a button, not a page or a table.
MIN_WIDTH, MIN_HEIGHT = 500, 200
MAX_PICTURES = 12  # pictures of one page fetched at most (a report: 3–10 pages)
MAX_PIXELS = 40_000_000  # of the stacked picture: what OCR reads of one picture at most


def size(data: bytes) -> tuple[int, int] | None:
    """A picture's width and height (read from its header, not decoded); None if it is none."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.width, image.height
    except Exception:  # not a picture, or damaged
        return None


def is_page(data: bytes) -> bool:
    """Whether a fetched picture is big enough to hold a page or a table."""
    found = size(data)
    return found is not None and found[0] >= MIN_WIDTH and found[1] >= MIN_HEIGHT


def stack(pictures: list[bytes]) -> bytes:
    """The pictures one under the other, grey, as one PNG; those past MAX_PIXELS left out."""
    images, pixels = [], 0
    for data in pictures:
        width, height = size(data) or (0, 0)
        pixels += width * height
        if pixels > MAX_PIXELS:
            break
        with Image.open(io.BytesIO(data)) as image:
            images.append(image.convert("L"))
    width = max(i.width for i in images)
    tall = Image.new("L", (width, sum(i.height for i in images)), 255)
    top = 0
    for image in images:
        tall.paste(image, (0, top))
        top += image.height
    out = io.BytesIO()
    tall.save(out, "PNG", optimize=False)
    return out.getvalue()
