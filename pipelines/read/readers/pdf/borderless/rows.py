"""The lines each row of a borderless table is printed on (wrapped numbers, wrapped labels),
and its cells."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from pipelines.read.readers.pdf.borderless.band import Band, fragments
from pipelines.read.readers.pdf.borderless.lines import Visual, Word
from pipelines.read.readers.pdf.text import join_lines
from pipelines.read.values import is_value


@dataclass
class Parts:
    """The words one table row is printed with: its lines of numbers (a number wrapped in a
    narrow cell takes two) and the wrapped parts of its labels above and below them."""

    first: int  # index of its first line of numbers
    page: int
    top: float
    words: list[Word]


def row_groups(
    band: Band, lines: list[Visual], columns: list[tuple[float, float]]
) -> list[Parts] | None:
    """The lines of each table row: its line of numbers, the parts of a number wrapped in a
    narrow cell, and the wrapped parts of its labels above or below it. None when lines of
    numbers crowd together in a way that does not read as one row with wrapped numbers."""
    start, size = columns[0][0], band.size
    # How far apart rows are: lines of numbers with a label that follow one another.
    gaps = sorted(
        lines[b].top - lines[a].bottom
        for a, b in pairwise(band.rows)
        if b == a + 1 and lines[a].page == lines[b].page and lines[b].first_value > 0
    )
    row_gap = gaps[len(gaps) // 2] if len(gaps) > 1 else None
    close = 0.6 * row_gap if row_gap is not None else 0.5 * size
    chains: list[list[int]] = []  # lines of numbers closer together than rows are
    for i in band.rows:
        last = chains[-1][-1] if chains else -1
        beside = last == i - 1 and lines[last].page == lines[i].page
        if (
            beside
            and lines[i].top - lines[last].bottom < close
            and len(band.values(lines[i])) != len(band.values(lines[last]))
        ):
            chains[-1].append(i)
            continue
        if beside and lines[i].first_value == 0 and _wrapped([last, i], band, lines, columns):
            return None  # the ends of wrapped numbers, or a row without a label: cannot tell
        chains.append([i])
    groups: list[Parts] = []
    for chain in chains:
        if len(chain) > 1 and not _wrapped(chain, band, lines, columns):
            return None
        first = lines[chain[0]]
        groups.append(
            Parts(chain[0], first.page, first.top, [w for i in chain for w in lines[i].words])
        )
    # Each word of the label lines between the rows goes with the nearer row, top to bottom,
    # so that a label wrapped over several lines follows its first line.
    for i in fragments(band, lines, start):
        for word in lines[i].words:
            owner = _owner(i, word, groups, size, row_gap)
            if owner is not None:
                owner.words.append(word)
    return groups


def _wrapped(
    chain: list[int], band: Band, lines: list[Visual], columns: list[tuple[float, float]]
) -> bool:
    """Whether lines of numbers set closer than rows are one row whose numbers wrap in their
    cells: one line holds most of the row's values, and in a column with parts on several
    lines every part but the last fills the column (no value in it is wider)."""
    counts = sorted((len(band.values(lines[i])) for i in chain), reverse=True)
    if counts[0] == counts[1]:
        return False  # two full lines: two rows, too close to tell apart
    for col in columns:
        widest = max(
            (w.x1 - w.x0 for i in band.rows for w in band.values(lines[i]) if w.overlaps(*col)),
            default=0.0,
        )
        parts = [w for i in chain for w in band.values(lines[i]) if w.overlaps(*col)]
        if any(w.x1 - w.x0 < widest - 0.25 * band.size for w in parts[:-1]):
            return False
    return True


def _owner(
    i: int, word: Word, groups: list[Parts], size: float, row_gap: float | None
) -> Parts | None:
    """The row a word of a label line (line `i`) belongs to: the nearer of the rows around
    it, measured to the row's words in the same column, if it is as close as a wrapped line
    (top alignment puts the rest of a label under its first line, centring puts parts above
    and below the numbers). Outside the first and last rows only a word closer than the rows
    are to each other counts."""
    above = next((g for g in reversed(groups) if g.first < i), None)
    below = next((g for g in groups if g.first > i), None)
    reach = size if above is not None and below is not None else 0.6 * (row_gap or 0.5 * size)
    gaps: list[tuple[float, int, Parts]] = []
    if above is not None and above.page == word.page:
        ends = [w for w in above.words if w.top < word.top]
        same = [w for w in ends if w.overlaps(word.x0, word.x1)] or ends
        if same:
            gaps.append((word.top - max(w.bottom for w in same), 0, above))
    if below is not None and below.page == word.page:
        starts = [w for w in below.words if w.top > word.top]
        same = [w for w in starts if w.overlaps(word.x0, word.x1)] or starts
        if same:
            gaps.append((min(w.top for w in same) - word.bottom, 1, below))
    if not gaps:
        return None
    gap, _, group = min(gaps, key=lambda g: (g[0], g[1]))
    return group if gap <= reach else None


def place(
    words: list[Word], columns: list[tuple[float, float]]
) -> tuple[list[str], list[str]] | None:
    """A row's label cells (label words stacked in one column are one text) and its value
    cells ("" where the row leaves a column blank). None when a word fits no single column."""
    start = columns[0][0]
    labels: list[tuple[float, float, str]] = []
    values = [""] * len(columns)
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if word.x1 <= start:
            for k, (x0, x1, text) in enumerate(labels):
                if word.overlaps(x0, x1):
                    labels[k] = (min(x0, word.x0), max(x1, word.x1), text + word.text)
                    break
            else:
                labels.append((word.x0, word.x1, word.text))
            continue
        hit = [c for c, (x0, x1) in enumerate(columns) if word.overlaps(x0, x1)]
        if len(hit) != 1 or not word.value:
            return None  # text or a number between or across columns
        values[hit[0]] = join_lines([values[hit[0]], word.text])
    if any(v and not is_value(v) for v in values):
        return None
    return [text for _, _, text in sorted(labels)], values
