"""Reading one printed cell: number, blank, or text."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pipelines.read.grid import Cell, Row

# What documents print for "nothing here": the spec stores these as null, not 0.
BLANK_MARKERS = frozenset({"", "-", "—", "–", "——", "--", "/", "\\", "无", "空", "×", "—-"})

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:件|个|项|次|人次|万元|元|%)?$")
_UNIT = re.compile(r"(件|个|项|次|人次|万元|元|%)$")


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text))


def is_value(text: str) -> bool:
    """A cell that holds a value or a blank, as opposed to a label."""
    return text in BLANK_MARKERS or is_number(text)


def to_decimal(text: str) -> Decimal | None:
    if not is_number(text):
        return None
    try:
        return Decimal(_UNIT.sub("", text).replace(",", ""))
    except InvalidOperation:
        return None


def live(row: Row) -> list[Cell]:
    """The cells of a row without the copies that fill row/column spans."""
    return [c for c in row if not c.spanned]


def value_suffix(cells: list[Cell]) -> tuple[list[Cell], list[Cell]]:
    """Split a row into its label cells and the run of value cells that ends it."""
    i = len(cells)
    while i > 0 and is_value(cells[i - 1].text):
        i -= 1
    return cells[:i], cells[i:]


def has_number(cells: list[Cell]) -> bool:
    return any(is_number(c.text) for c in cells)


def fit(values: list[Cell], width: int, *, exact_cells: bool) -> list[Cell] | None:
    """Trim a run of value cells to `width`: first empty cells at the end, then from the front
    (PDF text puts stray empty cells around a row, and row labels spill into extra cells).

    Without `exact_cells` (text dumped from a PDF) empty cells at either end are layout
    noise, not blank cells of the table, and are dropped first.
    """
    values = list(values)
    if not exact_cells:
        while values and values[-1].text == "":
            values.pop()
        while values and values[0].text == "":
            values.pop(0)
    while len(values) > width and values[-1].text == "":
        values.pop()
    while len(values) > width and values[0].text in BLANK_MARKERS:
        values.pop(0)
    if len(values) > width:
        values = values[-width:]
    return values if len(values) == width else None
