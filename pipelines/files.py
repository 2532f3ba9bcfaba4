"""What a file is: its identity (sha256 of the exact bytes) and its format, read from the bytes
(portals mislabel files and content types), and the largest file xxgk takes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from pipelines.text import utf16

MB = 1024 * 1024
# No annual report is larger; a bigger body is a wrong link or a hostile file.
MAX_DOCUMENT_BYTES = 50 * MB

# px: a smaller picture is a logo, an icon or a button, not a page or a table of a report
MIN_PICTURE = (500, 120)

# Portals often serve a bare fragment (`<p>…</p><table>…`) with no <html> around it.
_HTML_TAG = re.compile(rb"<(?:html|body|head|meta|table|tr|td|p|div|span|br|h[1-6])[\s>/]", re.I)

FORMAT_LABELS = {
    "text": "纯文本",
    "html": "网页",
    "pdf": "PDF",
    "docx": "Word（.docx）",
    "doc": "Word/WPS（.doc/.wps）",
    "xlsx": "Excel",
    "image": "图片",
    "empty": "空文件",
    "binary": "无法识别的二进制文件",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in blocks (release files run to gigabytes)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def files_sha256(files: Iterable[Path]) -> str:
    """One sha256 of several files' bytes, in the order given (code that makes an output: when
    it changes, so does the output)."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.read_bytes())
    return h.hexdigest()


def sniff(data: bytes) -> str:
    head = data[:4096]
    if not data.strip():
        return "empty"
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536]:
            return "docx"
        if b"xl/" in data[:65536]:
            return "xlsx"
        return "binary"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "image"
    if wide := utf16(head):  # a text or page saved as "Unicode"
        head = head[: len(head) // 2 * 2].decode(wide, errors="replace").encode()
    elif b"\x00" in head:
        return "binary"
    if head.lstrip().lower().startswith(b"<!doctype html") or _HTML_TAG.search(head):
        return "html"
    return "text"


def picture_size(data: bytes) -> tuple[int, int] | None:
    """A picture's width and height (read from its header, not decoded); None if it is none."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.width, image.height
    except Exception:  # not a picture, or damaged
        return None


def is_page_picture(data: bytes) -> bool:
    """Whether a picture is big enough to hold a page or a table of a report."""
    found = picture_size(data)
    return found is not None and found[0] >= MIN_PICTURE[0] and found[1] >= MIN_PICTURE[1]
