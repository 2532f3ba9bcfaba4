"""Turn the bytes of a text-like document into str.

Order measured on real portal pages: strict UTF-8, then strict GB18030 (a superset of GB2312
and GBK, so pages labelled gb2312 that use GBK-only characters such as 〇 still decode), then
charset-normalizer as a last resort.
"""

from __future__ import annotations

import codecs


def decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("gb18030", errors="replace")
