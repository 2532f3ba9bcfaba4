"""Text from outside (body names from the registry, link titles and values from portals) shown
as text where the data office reads Markdown: CHANGELOG.md and the Dagster UI's metadata.

A Markdown viewer also renders raw HTML, so a name like `<img src=x onerror=…>` or
`![](http://beacon)` would run or be fetched when the page opens, and a `<script>` would swallow
the lines after it. Every such text goes through `markdown` (the catalog's HTML pages use
`publish.catalog.esc`, html.escape, the same way).
"""

from __future__ import annotations

import re
from typing import Any

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
# What starts a link, an image, code, a table cell or emphasis with `*` or `~` is escaped with
# a backslash (CommonMark allows it for any ASCII punctuation); `:` and `@` too, so that no URL
# or address is turned into a link by GitHub-flavoured Markdown, and the dot of `www.` below.
# Dots, dashes, slashes and underscores stay, so that dates, numbers and ids (an `_` inside a
# word is never emphasis) read as they are in the raw CHANGELOG.md; our text never starts a
# line, so no list or heading can begin with them.
_BACKSLASHED = {c: "\\" + c for c in "\\`*[]()!#|~:@"}
_TABLE = str.maketrans({**_HTML, **_BACKSLASHED})
_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")  # CR, LF, tabs, other controls
_WWW = re.compile(r"(www)\.", re.IGNORECASE)


def markdown(value: Any) -> str:
    """`value` as one line of literal text in Markdown (and in any HTML it is rendered to)."""
    text = "" if value is None else str(value)
    return _WWW.sub(r"\1\\.", _BREAKS.sub(" ", text).translate(_TABLE))
