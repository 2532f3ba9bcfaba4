"""Tables printed without ruling lines, read from word positions.

A borderless table is found from its rows: lines whose words end in a run of numbers (blank
markers such as – or / count as values too). Consecutive such rows of one font size form a
table, also over a page break, until a line reaching into the numbers' columns (a heading, a
paragraph, the next table's header) comes between them. Its columns are the runs of value
words whose extents overlap down the table, which holds whatever the alignment (left, right
or centred: values of one column always share a point). The header lines above name each
column; a column named there with no value in any row is a column left blank throughout.
Anything that does not fit that picture leaves the table unread.

The modules: `lines` (the page's lines of words), `band` (rows of numbers that may be one
table, and its label column), `header` (the columns the header names), `rows` (the lines each
table row is printed on, and its cells).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from pipelines.read.readers.pdf.blocks import GridRow
from pipelines.read.readers.pdf.borderless.band import Band, label_edge, labels_end
from pipelines.read.readers.pdf.borderless.header import header_columns
from pipelines.read.readers.pdf.borderless.lines import Visual
from pipelines.read.readers.pdf.borderless.rows import Parts, place, row_groups


@dataclass
class PlacedRow:
    block: GridRow
    boxes: list[tuple[float, float, float, float]]  # its words: not read again as text


@dataclass
class Grid:
    """The document's borderless tables: their rows, and the lines of those left unread."""

    rows: dict[int, list[PlacedRow]] = field(default_factory=dict)  # by page
    unread: dict[int, list[tuple[float, float]]] = field(default_factory=dict)  # page: spans


def tables(lines: list[Visual]) -> Grid:
    """The borderless tables among the document's lines of words, numbered in order over page
    breaks; a table whose columns are not certain is left unread (`Grid.unread`)."""
    grid = Grid()
    parts = [part for band in _bands(lines) for part in _parts(band, lines)]
    for n, band in enumerate(parts, start=1):
        table = _table(band, lines)
        if table is None:
            if _looks_like_table(band, lines):
                for i in band.rows:
                    row = lines[i]
                    grid.unread.setdefault(row.page, []).append((row.top, row.bottom))
            continue
        counters: Counter[int] = Counter()
        for row, cells in table:
            counters[row.page] += 1
            block = GridRow(row.top, n, counters[row.page], cells)
            boxes = [(w.x0, w.top, w.x1, w.bottom) for w in row.words]
            grid.rows.setdefault(row.page, []).append(PlacedRow(block, boxes))
    return grid


def _bands(lines: list[Visual]) -> list[Band]:
    """Runs of rows of numbers, each with the header lines just above its first row."""
    bands: list[Band] = []
    pending: list[Visual] = []  # lines since the last row of numbers
    for i, line in enumerate(lines):
        if not line.numeric:
            pending.append(line)
            continue
        current = bands[-1] if bands else None
        # Where this row's numbers start (a digit of a label set one character per line,
        # left of the labels seen so far, is not one of them).
        values = (current.values(line) if current else None) or line.values
        if (
            current is None
            or abs(line.size - current.size) > 0.5
            or any(_interrupts(p, values[0].x0, current.size) for p in pending)
        ):
            current = Band(line.size, _header_block(pending, line))
            bands.append(current)
        current.rows.append(i)
        if line.first_value:
            current.edge = max(current.edge, line.words[line.first_value - 1].x1)
        pending = []
    return bands


def _interrupts(line: Visual, start: float, size: float) -> bool:
    """A line between two rows of numbers that ends their table: it reaches into the columns
    of numbers (a heading, a paragraph, a header). A wrapped label stays in the label column;
    a page header or footer in another font size is passed over."""
    return line.x1 > start and not (line.in_margin and abs(line.size - size) > 0.5)


def _parts(band: Band, lines: list[Visual]) -> list[Band]:
    """The band cut where a line between its rows is the header of the table's next part: it
    has words right of the label column, or under the headings of the part above
    (信息内容 本年处理决定数量, which ends before numbers set at the right of wide cells)."""
    edge = label_edge(band, lines)
    heads = [w for line in band.header for w in line.words if w.x0 > edge]
    rows = set(band.rows)
    parts = [Band(band.size, band.header, band.rows[:1])]
    for a, b in pairwise(band.rows):
        between = [lines[i] for i in range(a + 1, b) if i not in rows]
        if any(
            w.x0 > edge or any(w.overlaps(h.x0, h.x1) for h in heads)
            for line in between
            for w in line.words
        ):
            parts.append(Band(band.size, _header_block(between, lines[b]), [b]))
        else:
            parts[-1].rows.append(b)
    return parts


def _header_block(pending: list[Visual], first: Visual) -> list[Visual]:
    """The lines printed right above a table's first row in its font size, top to bottom."""
    block: list[Visual] = []
    below = first
    for line in reversed(pending):
        if (
            line.page != first.page
            or abs(line.size - first.size) > 0.5
            or below.top - line.bottom > 2.5 * first.size
        ):
            break
        block.insert(0, line)
        below = line
    return block


def _looks_like_table(band: Band, lines: list[Visual]) -> bool:
    """More than one number in a row, or rows of them: a table, whose numbers, when its
    columns are not certain, are left unread with a finding. A lone number is just text."""
    return len(band.rows) > 1 or any(len(lines[i].values) > 1 for i in band.rows)


def _table(band: Band, lines: list[Visual]) -> list[tuple[Parts, list[tuple[int, str]]]] | None:
    """The table's rows (the lines each is printed on, and its cells), or None when its
    columns cannot be told apart with confidence."""
    # The label column ends where the labels of rows with a label end; a line whose numbers
    # all stand left of that is part of a label.
    edge = labels_end(band, lines)
    labelled = [lines[i] for i in band.rows if lines[i].first_value > 0]
    if any(w.x0 <= edge for row in labelled for w in row.values):
        return None  # a label reaching past numbers of another row: columns not in line
    rows = [i for i in band.rows if any(w.x0 > edge for w in lines[i].values)]
    if not rows:
        return None
    band = Band(band.size, band.header, rows, edge)
    columns = _columns(band, lines)
    if columns is None:
        return None
    groups = row_groups(band, lines, columns)
    if groups is None:
        return None
    placed = [place(parts.words, columns) for parts in groups]
    if any(p is None for p in placed):
        return None
    # Value columns keep their number in every row, after as many label columns as the
    # table's widest label part.
    width = max(len(p[0]) for p in placed if p is not None)
    return [
        (
            parts,
            [(c, text) for c, text in enumerate(labels, start=1)]
            + [(width + c, text) for c, text in enumerate(values, start=1)],
        )
        for parts, (labels, values) in zip(
            groups, [p for p in placed if p is not None], strict=True
        )
    ]


def _spans(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping intervals merged, left to right."""
    merged: list[tuple[float, float]] = []
    for x0, x1 in sorted(intervals):
        if merged and x0 < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], x1))
        else:
            merged.append((x0, x1))
    return merged


def _columns(band: Band, lines: list[Visual]) -> list[tuple[float, float]] | None:
    """The extents of the table's value columns, left to right, or None when they cannot be
    told apart with confidence."""
    tolerance = max(1.0, 0.25 * band.size)
    rows = [lines[i] for i in band.rows]
    values = [(r, w) for r, row in enumerate(rows) for w in band.values(row)]
    columns = _spans([(w.x0, w.x1) for _, w in values])
    for x0, x1 in columns:
        members = [(r, w) for r, w in values if x0 <= w.x0 and w.x1 <= x1]
        if len({r for r, _ in members}) < len(members):
            return None  # two values of one line in one column: columns run into each other
        words = [w for _, w in members]
        spreads = (
            max(w.x0 for w in words) - min(w.x0 for w in words),
            max(w.x1 for w in words) - min(w.x1 for w in words),
            max(w.x0 + w.x1 for w in words) / 2 - min(w.x0 + w.x1 for w in words) / 2,
        )
        if min(spreads) > tolerance:
            return None  # neither left, right nor centre aligned: a value out of line
    blanks = header_columns(band, columns, label_edge(band, lines) - tolerance)
    if blanks is None:
        return None
    return sorted(columns + blanks)
