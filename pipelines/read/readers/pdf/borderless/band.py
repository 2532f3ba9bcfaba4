"""Rows of numbers that may be one table, and where its label column ends."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.read.readers.pdf.borderless.lines import Visual, Word


@dataclass
class Band:
    """Rows of numbers that may be one table, with the header lines printed above them."""

    size: float
    header: list[Visual]
    rows: list[int] = field(default_factory=list)  # indices of its lines of numbers
    edge: float = float("-inf")  # where the label column ends (numbers left of it are labels)

    def values(self, line: Visual) -> list[Word]:
        """The line's values in the table's value columns (a digit of a label printed one
        character per line is not one)."""
        return [w for w in line.values if w.x0 > self.edge]


def labels_end(band: Band, lines: list[Visual]) -> float:
    """Where the labels printed on the rows' own lines end (-inf: no row shows its label)."""
    labelled = [lines[i] for i in band.rows if lines[i].first_value > 0]
    return max(
        (w.x1 for row in labelled for w in row.words[: row.first_value]), default=float("-inf")
    )


def label_edge(band: Band, lines: list[Visual]) -> float:
    """Where the label column ends: its words in the rows and in the label lines right
    against the rows (labels centred over two lines leave the line of numbers bare)."""
    edge = labels_end(band, lines)
    values = [w.x0 for i in band.rows for w in lines[i].values if w.x0 > edge]
    start = min(values, default=edge)
    rows = set(band.rows)
    near = [
        w.x1
        for i in fragments(band, lines, start)
        if any(j in rows and _gap(lines[i], lines[j]) <= band.size for j in (i - 1, i + 1))
        for w in lines[i].words
    ]
    return max([edge, *near])


def fragments(band: Band, lines: list[Visual], start: float) -> list[int]:
    """Lines in the table's label column around and between its rows: wrapped labels. A
    line under the table's headings (the header of the next part) is not one."""
    heads = (
        [w for h in band.header for w in h.words if w.x0 > band.edge + band.size]
        if band.edge > float("-inf")
        else []
    )

    def label_line(line: Visual, row: Visual) -> bool:
        return (
            line.page == row.page
            and abs(line.size - band.size) <= 0.5
            and line.x1 <= start
            and not any(w.overlaps(h.x0, h.x1) for w in line.words for h in heads)
        )

    first, last = band.rows[0], band.rows[-1]
    out = []
    i = first - 1
    while i >= 0 and label_line(lines[i], lines[first]):
        out.insert(0, i)
        i -= 1
    rows = set(band.rows)
    out += [i for i in range(first + 1, last) if i not in rows and label_line(lines[i], lines[i])]
    i = last + 1
    while i < len(lines) and label_line(lines[i], lines[last]):
        out.append(i)
        i += 1
    return out


def _gap(a: Visual, b: Visual) -> float:
    """The space between two lines of one page (negative where they overlap)."""
    return max(a.top - b.bottom, b.top - a.bottom)
