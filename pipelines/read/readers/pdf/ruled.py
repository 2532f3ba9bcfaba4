"""Tables printed with ruling lines, found as pdfplumber's lattice strategy finds them (its
default settings), once the graphics nobody sees are left out.

The page's painted lines, rectangles and the straight pieces of other paths are its edges;
edges within 3 pt of one line are moved onto it and joined where they meet or come within
3 pt; edges shorter than 3 pt are dropped. Where a horizontal and a vertical edge cross (3 pt
tolerance) is a corner; the smallest rectangles of corners linked by edges on all four sides
are the cells, and cells that share a corner make one table.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import groupby, pairwise
from operator import itemgetter

from pipelines.read.readers.pdf import words
from pipelines.read.readers.pdf.layer import Char, Page, Path

Box = tuple[float, float, float, float]  # x0, top, x1, bottom
Point = tuple[float, float]

_SNAP = _JOIN = _CROSS = 3.0
_MIN_PIECE, _MIN_EDGE = 1.0, 3.0


def tables(page: Page, chars: list[Char]) -> list[tuple[Box, list[list[str | None]]]]:
    """The page's ruled tables: the box of each, and the text of its cells row by row (None:
    a position covered by a merged cell, whose text is in the first)."""
    horizontal, vertical = _edges([p for p in page.paths if visible(p)])
    corners = _corners(horizontal + _open_ends(horizontal, vertical), vertical)
    found = []
    centres = _Centres(chars)
    for cells in _tables(_cells(corners)):
        found.append((_bounds(cells), [_row_text(row, centres) for row in _rows(cells)]))
    return found


def visible(path: Path) -> bool:
    """Drop graphics nobody sees (white boxes behind text): their edges make phantom tables."""
    stroked = path.stroke and not _white(path.stroke_color)
    filled = path.fill and not _white(path.fill_color)
    return stroked or filled


def _white(color: tuple[int, int, int] | None) -> bool:
    # None: a pattern or a colour pdfium cannot convert: assume visible.
    return color is not None and all(v >= 0.98 * 255 for v in color)


# ---------------------------------------------------------------- edges


def _edges(paths: list[Path]) -> tuple[list[Box], list[Box]]:
    """The horizontal and the vertical edges, moved onto shared lines, joined, the short ones
    dropped."""
    horizontal: list[Box] = []
    vertical: list[Box] = []
    for path in paths:
        for edge, across in _pieces(path):
            if across:
                if edge[2] - edge[0] >= _MIN_PIECE:
                    horizontal.append(edge)
            elif edge[3] - edge[1] >= _MIN_PIECE:
                vertical.append(edge)
    horizontal = _join(_snap(horizontal, 1), 1, 0, 2)
    vertical = _join(_snap(vertical, 0), 0, 1, 3)
    return (
        [e for e in horizontal if e[2] - e[0] >= _MIN_EDGE],
        [e for e in vertical if e[3] - e[1] >= _MIN_EDGE],
    )


def _pieces(path: Path) -> Iterable[tuple[Box, bool]]:
    """The edges pdfplumber makes of a path (True: horizontal): a line is one, a rectangle
    four, any other path one for each straight piece that is level or upright."""
    shape, points = path.shape, path.points
    # A closed path that draws its last side back to the start: that side is the closing.
    if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
        shape, points = shape[:-2] + "h", points[:-1]
    if shape in ("ml", "mlh"):
        (x0, y0), (x1, y1) = points[0], points[1]
        box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        yield box, box[1] == box[3]
    elif shape in ("mlllh", "mllll") and _rectangle(points):
        (x0, y0), (x1, y1) = points[0], points[2]
        x0, x1, top, bottom = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        yield (x0, top, x1, top), True
        yield (x0, bottom, x1, bottom), True
        yield (x0, top, x0, bottom), False
        yield (x1, top, x1, bottom), False
    else:
        for (x0, y0), (x1, y1) in pairwise(points):
            if x0 == x1 or y0 == y1:
                yield (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), x0 != x1


def _rectangle(points: list[Point]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), end = points
    square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
        y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
    )
    return points[0] == end and square


def _snap(edges: list[Box], axis: int) -> list[Box]:
    """Edges within 3 pt of one another across their length moved onto their average."""
    out = []
    for group in words.cluster(edges, lambda e: e[axis], _SNAP):
        mean = sum(e[axis] for e in group) / len(group)
        for e in group:
            shift = mean - e[axis]
            if axis == 0:
                out.append((e[0] + shift, e[1], e[2] + shift, e[3]))
            else:
                out.append((e[0], e[1] + shift, e[2], e[3] + shift))
    return out


def _join(edges: list[Box], axis: int, start: int, end: int) -> list[Box]:
    """Edges on one line joined where they overlap or come within 3 pt, line by line."""
    out: list[Box] = []
    for _, group in groupby(sorted(edges, key=lambda e: e[axis]), key=lambda e: e[axis]):
        joined: list[Box] = []
        for e in sorted(group, key=lambda e: e[start]):
            last = joined[-1] if joined else None
            if last is not None and e[start] <= last[end] + _JOIN:
                if e[end] > last[end]:
                    grown = list(last)
                    grown[end] = e[end]
                    joined[-1] = (grown[0], grown[1], grown[2], grown[3])
            else:
                joined.append(e)
        out.extend(joined)
    return out


def _open_ends(horizontal: list[Box], vertical: list[Box]) -> list[Box]:
    """The lines a table that runs on over a page break leaves out: word processors often
    draw no line under its last row on the page (or over its first on the next), so the row
    would have no cell. Where two or more vertical lines of a ruled table (lines that cross
    its horizontal ones) end at one height with no line across there, that line is added."""
    added = []
    for end in (1, 3):  # tops, then bottoms
        for group in words.cluster(vertical, itemgetter(end), _SNAP):
            y = sum(v[end] for v in group) / len(group)
            x0, x1 = min(v[0] for v in group), max(v[0] for v in group)
            ruled = [v for v in group if any(_crosses(v, h) for h in horizontal)]
            closed = any(
                abs(h[1] - y) <= _CROSS and h[0] <= x0 + _CROSS and h[2] >= x1 - _CROSS
                for h in horizontal
            )
            if len(ruled) >= 2 and len(ruled) == len(group) and not closed:
                added.append((x0, y, x1, y))
    return added


def _crosses(v: Box, h: Box) -> bool:
    """A vertical edge that meets a horizontal one away from its own ends."""
    return v[1] + _CROSS < h[1] < v[3] - _CROSS and h[0] - _CROSS <= v[0] <= h[2] + _CROSS


# ---------------------------------------------------------------- cells and tables


_Corners = dict[Point, tuple[set[Box], set[Box]]]  # the vertical and horizontal edges there


def _corners(horizontal: list[Box], vertical: list[Box]) -> _Corners:
    corners: _Corners = {}
    for v in sorted(vertical, key=lambda e: (e[0], e[1])):
        for h in sorted(horizontal, key=lambda e: (e[1], e[0])):
            if (
                v[1] <= h[1] + _CROSS
                and v[3] >= h[1] - _CROSS
                and v[0] >= h[0] - _CROSS
                and v[0] <= h[2] + _CROSS
            ):
                at = corners.setdefault((v[0], h[1]), (set(), set()))
                at[0].add(v)
                at[1].add(h)
    return corners


def _cells(corners: _Corners) -> list[Box]:
    """From each corner, the smallest cell it is the top left of: the first corner below it
    and the first to its right, linked to it by edges, with the corner completing the
    rectangle linked to both."""

    def linked(a: Point, b: Point) -> bool:
        side = 0 if a[0] == b[0] else 1
        return bool(corners[a][side] & corners[b][side])

    column: dict[float, list[Point]] = defaultdict(list)
    row: dict[float, list[Point]] = defaultdict(list)
    for point in sorted(corners):
        column[point[0]].append(point)
        row[point[1]].append(point)
    cells = []
    for pt in sorted(corners):
        cell = _smallest(pt, column[pt[0]], row[pt[1]], corners, linked)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest(
    pt: Point,
    column: list[Point],
    row: list[Point],
    corners: _Corners,
    linked: Callable[[Point, Point], bool],
) -> Box | None:
    below = [p for p in column if p[1] > pt[1]]
    right = [p for p in row if p[0] > pt[0]]
    for down in below:
        if not linked(pt, down):
            continue
        for across in right:
            if not linked(pt, across):
                continue
            corner = (across[0], down[1])
            if corner in corners and linked(corner, across) and linked(corner, down):
                return (pt[0], pt[1], corner[0], corner[1])
    return None


def _tables(cells: list[Box]) -> list[list[Box]]:
    """Cells that share corners, one group per table, top to bottom (then left to right);
    a lone cell is no table."""
    by_corner: dict[Point, list[int]] = defaultdict(list)
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            by_corner[corner].append(i)
    seen: set[int] = set()
    groups = []
    for first in range(len(cells)):
        if first in seen:
            continue
        seen.add(first)
        group, todo = [], [first]
        while todo:
            i = todo.pop()
            group.append(cells[i])
            x0, top, x1, bottom = cells[i]
            for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
                for j in by_corner[corner]:
                    if j not in seen:
                        seen.add(j)
                        todo.append(j)
        groups.append(group)
    groups.sort(key=lambda g: min((c[1], c[0]) for c in g))
    return [g for g in groups if len(g) > 1]


def _rows(cells: list[Box]) -> list[list[Box | None]]:
    """The table's rows, top to bottom: for each left edge of a cell in the table, the
    row's cell starting there, or None (covered by a cell merged across)."""
    xs = sorted({c[0] for c in cells})
    rows = []
    for _, group in groupby(sorted(cells, key=lambda c: (c[1], c[0])), key=lambda c: c[1]):
        starts = {c[0]: c for c in group}
        rows.append([starts.get(x) for x in xs])
    return rows


def _bounds(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


class _Centres:
    """The characters by the height of their centres, which place them in a cell."""

    def __init__(self, chars: list[Char]) -> None:
        placed = sorted(
            ((c.top + c.bottom) / 2, (c.x0 + c.x1) / 2, i, c) for i, c in enumerate(chars)
        )
        self.ys = [y for y, *_ in placed]
        self.placed = placed

    def band(self, top: float, bottom: float) -> list[tuple[float, float, int, Char]]:
        """Those centred from `top` down to (not on) `bottom`, in printing order."""
        rows = self.placed[bisect_left(self.ys, top) : bisect_left(self.ys, bottom)]
        return sorted(rows, key=lambda p: p[2])


def _row_text(row: list[Box | None], centres: _Centres) -> list[str | None]:
    box = _bounds([c for c in row if c is not None])
    inside = centres.band(box[1], box[3])
    out: list[str | None] = []
    for cell in row:
        if cell is None:
            out.append(None)
            continue
        x0, top, x1, bottom = cell
        chars = [c for y, x, _, c in inside if x0 <= x < x1 and top <= y < bottom]
        out.append(words.text(chars) if chars else "")
    return out
