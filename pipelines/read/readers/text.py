"""Plain text and markdown: text extracted from PDFs (cells split by tabs), markdown tables
(cells split by `|`), and tables pasted or flattened from web pages, whose cells are split by
spaces, with a label's numbers sometimes run on to it (…申请数量300153006143119) and sometimes a
whole table on one line. One row per line; a line holding several labels, each followed by
its numbers, is cut into one row per label.
"""

from __future__ import annotations

import re

from pipelines.read.grid import Cell, Row, clean
from pipelines.read.values import UNIT_NAMES, is_number, is_value
from pipelines.text import decode

_SPACES = re.compile(r"[ \u3000]+")
# A label with its numbers run on: the digits after the last character that is not one.
_GLUED = re.compile(rf"^(.*[\u4e00-\u9fff)）\]】]) ?(\d[\d,]*(?:\.\d+)?(?:{UNIT_NAMES})?)$")


def read(data: bytes) -> list[Row]:
    rows: list[Row] = []
    for number, line in enumerate(decode(data).splitlines(), start=1):
        split = _parts(line)
        if split is None:
            continue
        parts, pasted = split
        location = f"第{number}行"
        cells = [Cell(p, location) for p in _unglued([clean(p) for p in parts])]
        # cells that sit in columns (tabs, |) are rows as they are
        rows += _one_row_per_label(cells) if pasted else [cells]
    return rows


def _parts(line: str) -> tuple[list[str], bool] | None:
    """The cells of one line, and whether they were split by spaces (pasted from a web page);
    None: a markdown separator row."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|"):
        parts = stripped[1:-1].split("|")
        return None if all(set(p.strip()) <= set("-: ") for p in parts) else (parts, False)
    if "\t" in line:
        return line.split("\t"), False
    words = _SPACES.split(stripped)
    # cells split by spaces: a line with numbers in it; a sentence keeps its spaces
    cleaned = [clean(w) for w in words]
    numbers = sum(is_number(w) or bool(_GLUED.match(w)) for w in cleaned)
    values = numbers + sum(is_value(w) and not is_number(w) for w in cleaned)
    return (words, True) if numbers >= 2 or (numbers and values >= 2) else ([line], True)


def _unglued(parts: list[str]) -> list[str]:
    out = []
    for part in parts:
        match = _GLUED.match(part)
        out += [match.group(1), match.group(2)] if match else [part]
    return out


def _one_row_per_label(cells: list[Cell]) -> list[Row]:
    """A label that follows numbers starts a row of its own (a table flattened onto a line)."""
    rows: list[Row] = [[]]
    for cell in cells:
        follows = bool(rows[-1]) and is_value(rows[-1][-1].text) and not is_value(cell.text)
        if follows and any(is_number(c.text) for c in rows[-1]):
            rows.append([])
        rows[-1].append(cell)
    return rows
