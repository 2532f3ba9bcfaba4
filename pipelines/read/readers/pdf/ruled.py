"""Tables printed with ruling lines, found from the page's lines and rectangles (pdfplumber's
lattice strategy), once the graphics nobody sees are left out."""

from __future__ import annotations

from typing import Any

from pdfplumber.page import Page

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


def tables(page: Page) -> list[tuple[Box, list[list[str | None]]]]:
    """The page's ruled tables: the box of each, and the text of its cells row by row (None:
    a position covered by a merged cell, whose text is in the first)."""
    return [(t.bbox, t.extract()) for t in page.find_tables()]


def visible(obj: dict[str, Any]) -> bool:
    """Drop graphics nobody sees (white boxes behind text): their edges make phantom tables."""
    if obj["object_type"] not in ("rect", "line", "curve"):
        return True
    stroked = obj.get("stroke") and not _white(obj.get("stroking_color"))
    filled = obj.get("fill") and not _white(obj.get("non_stroking_color"))
    return bool(stroked or filled)


def _white(color: Any) -> bool:
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, tuple | list) or not all(isinstance(v, int | float) for v in color):
        return False  # patterns and unknown colour spaces: assume visible
    if len(color) == 4:  # CMYK
        return all(v <= 0.02 for v in color)
    return len(color) in (1, 3) and all(v >= 0.98 for v in color)
