"""What the readers of ruled tables, borderless tables and text lines share: joining wrapped
lines, and telling page numbers in the margins from text."""

from __future__ import annotations

import re

# Only digits and page-number decoration ("- 3 -", "第3页 共6页"), in the top or bottom margin;
# a line of three numbers or more there is a table row.
_PAGE_NUMBER = re.compile(r"^[\s\-—–－第页共/／()（）]*\d{1,4}[\s\-—–－第页共/／()（）\d]*$")
_DIGITS = re.compile(r"\d+")
MARGIN = 0.1  # of the page height


def page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text)) and len(_DIGITS.findall(text)) <= 2


def join_lines(lines: list[str]) -> str:
    """Chinese wraps anywhere and needs no space at a line break; Latin words do. Digits are
    joined: a number wrapped in a narrow cell is still one number."""
    out = ""
    for line in (s.strip() for s in lines):
        if out and line and out[-1].isascii() and out[-1].isalpha() and line[0].isascii():
            out += " "
        out += line
    return out
