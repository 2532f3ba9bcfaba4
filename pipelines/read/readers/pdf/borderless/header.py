"""The columns a borderless table's header names, checked against its columns of values."""

from __future__ import annotations

from itertools import pairwise

from pipelines.read.readers.pdf.borderless.band import Band


def header_columns(
    band: Band, columns: list[tuple[float, float]], label_edge: float
) -> list[tuple[float, float]] | None:
    """Check the value columns against the header above them and return the columns it names
    that hold no value in any row (blank throughout); None when the two do not agree.

    The header lines above the first row are read upwards. Each column's heading words stack
    up (a wrapped heading: 结果维 / 持); a word over two stacks or two columns of values is a
    group heading (法人或其他组织, 行政诉讼). Every column of values must sit under exactly one
    stack (`_under`). A stack over no values is a column left blank in every row if it
    reaches down into the header rows of a neighbouring column, as a column heading does, and
    a title if it stands above both its neighbours; anything else means the layout is not
    certain.
    """
    stacks = _stacks(band, columns, label_edge)
    if not stacks:
        return None  # nothing names the columns
    under = _under(stacks, columns, max(1.0, 0.25 * band.size))
    if under is None:
        return None
    # A heading over no values is a blank column when it reaches down as far as the top of
    # a neighbouring column's heading (one with values, or itself a blank column); one whose
    # words all stand above the headings beside it is a title or a group heading over them
    # (第二十条第（一）项 centred over the table): no column.
    n = len(stacks)
    above = [
        not under[i] and n > 1 and all(st[2] > stacks[j][3] for j in (i - 1, i + 1) if 0 <= j < n)
        for i, st in enumerate(stacks)
    ]
    if not all(_accepted(stacks, [u or a for u, a in zip(under, above, strict=True)])):
        return None
    return [
        (st[0], st[1]) for st, u, a in zip(stacks, under, above, strict=True) if not u and not a
    ]


def _stacks(band: Band, columns: list[tuple[float, float]], label_edge: float) -> list[list[float]]:
    """The header's stacks of heading words, left to right: x0, x1, and the lowest and
    highest header line each reaches (0: the bottom one)."""
    stacks: list[list[float]] = []
    level = 0
    for line in reversed(band.header):
        words = [w for w in line.words if w.x0 >= label_edge]
        if not words:
            continue  # a label-column line (a wrapped corner cell): no say about columns
        for w in words:
            if sum(w.overlaps(*c) for c in columns) > 1:
                continue
            hit = [st for st in stacks if w.overlaps(st[0], st[1])]
            if len(hit) > 1:
                continue
            if hit:
                st = hit[0]
                st[0], st[1], st[3] = min(st[0], w.x0), max(st[1], w.x1), level
            else:
                stacks.append([w.x0, w.x1, level, level])
        level += 1
    stacks.sort()
    return stacks


def _accepted(stacks: list[list[float]], accepted: list[bool]) -> list[bool]:
    """The stacks accepted, given those over values and the titles: also each blank column
    reaching down as far as an accepted neighbour's top, repeated until none is added."""
    accepted = list(accepted)
    changed = True
    while changed:
        changed = False
        for i, st in enumerate(stacks):
            if not accepted[i] and any(
                0 <= j < len(stacks) and accepted[j] and st[2] <= stacks[j][3]
                for j in (i - 1, i + 1)
            ):
                accepted[i] = changed = True
    return accepted


def _under(
    stacks: list[list[float]], columns: list[tuple[float, float]], tolerance: float
) -> list[bool] | None:
    """Which headings have a column of values under them; None unless every column of
    values sits under exactly one heading, the same one however the cells are aligned.

    A heading and its numbers need not overlap (a heading set left, its numbers right), so
    each way of aligning a cell gives each heading a stretch of the line: from its left end to
    the next heading's (set left), from the previous heading's right end to its own (set
    right), between the middles of the gaps to its neighbours (centred), or itself
    (overlapping). Every way that fits all columns must give the same headings."""
    n = len(stacks)
    # The outer stretches reach no further than the next one in (a single heading: anywhere,
    # as there is no other heading its values could be taken for).
    far = 1e9
    left_end = stacks[0][1] - (stacks[1][1] - stacks[0][1]) if n > 1 else -far
    right_end = stacks[-1][0] + (stacks[-1][0] - stacks[-2][0]) if n > 1 else far
    middles = [(a[1] + b[0]) / 2 for a, b in pairwise(stacks)]
    first, last = (stacks[0][0] + stacks[0][1]) / 2, (stacks[-1][0] + stacks[-1][1]) / 2
    middles = [2 * first - middles[0] if middles else -far, *middles]
    middles.append(2 * last - middles[-1] if n > 1 else far)
    ways = [
        [(st[0], st[1]) for st in stacks],
        [
            (st[0] - tolerance, stacks[i + 1][0] if i + 1 < n else right_end)
            for i, st in enumerate(stacks)
        ],
        [(stacks[i - 1][1] if i else left_end, st[1] + tolerance) for i, st in enumerate(stacks)],
        [(middles[i], middles[i + 1]) for i in range(n)],
    ]
    fits: set[tuple[int, ...]] = set()
    for j, stretches in enumerate(ways):
        found = []
        for x0, x1 in columns:
            if j == 0:  # overlapping
                hit = [i for i, (a, b) in enumerate(stretches) if a < x1 and x0 < b]
            else:
                hit = [i for i, (a, b) in enumerate(stretches) if a <= x0 and x1 <= b]
            if len(hit) != 1:
                break
            found.append(hit[0])
        else:
            if len(set(found)) == len(found):
                fits.add(tuple(found))
    if len(fits) != 1:
        return None  # no heading over a column, one over two, or the ways disagree
    taken = set(fits.pop())
    return [i in taken for i in range(n)]
