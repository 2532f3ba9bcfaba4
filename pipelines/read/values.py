"""Reading one printed cell: number, blank, or text."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pipelines.read.grid import Cell, Row

# What documents print for "nothing here": the spec stores these as null, not 0.
BLANK_MARKERS = frozenset({"", "-", "—", "–", "——", "--", "/", "\\", "无", "空", "×", "—-"})

# Units printed after a number, inside the cell: what each measures and its size in the base
# unit of that kind (元 for money). 万 alone is how tables abbreviate 万元.
UNITS: dict[str, tuple[str, int]] = {
    "元": ("money", 1),
    "万元": ("money", 10_000),
    "万": ("money", 10_000),
    "亿元": ("money", 100_000_000),
    "件": ("count", 1),
    "个": ("count", 1),
    "项": ("count", 1),
    "次": ("count", 1),
    "人次": ("count", 1),
    "条": ("count", 1),
    "份": ("count", 1),
    "%": ("share", 1),
}
UNIT_NAMES = "|".join(sorted(UNITS, key=len, reverse=True))  # a regex: 万元 before 元 and 万
_NUMBER = re.compile(
    rf"^(?P<number>[+-]?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?) ?(?P<unit>{UNIT_NAMES})?$"
)
# A number in scientific notation (1e30): no report prints one, but a spreadsheet export can.
# It stands where a value stands, so it is read as a cell (and named as not a number), never
# taken for a label and lost with its row.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")
# The money unit a header names: 单位：万元, （元）, 采购总金额(万元) …
_HEADER_MONEY = re.compile(r"(亿元|万元|元)")


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text))


def is_value(text: str) -> bool:
    """A cell that holds a value or a blank, as opposed to a label."""
    return text in BLANK_MARKERS or is_number(text) or bool(_SCIENTIFIC.match(text))


def to_decimal(text: str) -> Decimal | None:
    """The number a cell prints, its unit left aside (see `printed_unit`)."""
    match = _NUMBER.match(text)
    if match is None:
        return None
    try:
        return Decimal(match["number"].replace(",", ""))
    except InvalidOperation:
        return None


def shown(text: str, width: int = 24) -> str:
    """A printed cell as a message quotes it: a text of hundreds of digits is cut, its length said."""
    return text if len(text) <= width else f"{text[:width]}…（共{len(text)}个字符）"


def printed_unit(text: str) -> str | None:
    """The unit a number cell prints after its number (万元 in 「3462.58万元」), else None."""
    match = _NUMBER.match(text)
    return match["unit"] if match else None


def header_money_unit(text: str) -> str | None:
    """The money unit a header row names (万元 in 「采购总金额（万元）」), else None."""
    match = _HEADER_MONEY.search(text)
    return match.group(1) if match else None


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
