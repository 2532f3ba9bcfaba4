"""A page's lines of words as printed, outside its ruled tables: each a row of a borderless
table, a line of its header, or text."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.read.grid import clean
from pipelines.read.readers.pdf import words
from pipelines.read.readers.pdf.layer import Char
from pipelines.read.readers.pdf.text import MARGIN, join_lines, page_number
from pipelines.read.readers.pdf.words import TextWord
from pipelines.read.values import is_number, is_value


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    text: str  # cleaned (NFKC)

    @property
    def value(self) -> bool:
        return bool(self.text) and is_value(self.text)

    def overlaps(self, x0: float, x1: float) -> bool:
        return self.x0 < x1 and x0 < self.x1


@dataclass
class Visual:
    """A line of words as printed: one row of a borderless table, a header line, or text."""

    page: int
    top: float
    bottom: float
    size: float
    words: list[Word]  # left to right; label and header words closer than a space joined
    first_value: int  # where the run of value words that ends the line begins
    in_margin: bool  # in the top or bottom tenth of the page (running headers and footers)

    @property
    def values(self) -> list[Word]:
        return self.words[self.first_value :]

    @property
    def numeric(self) -> bool:
        """Whether the line prints a table row: it ends in values, at least one a number or,
        after a label, all blank markers (行政强制 —)."""
        values = self.values
        return any(is_number(w.text) for w in values) or bool(values and self.first_value)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)


def visual_lines(number: int, height: float, chars: list[Char]) -> list[Visual]:
    found = sorted(words.words(chars), key=lambda w: (w.top + w.bottom) / 2)
    groups: list[list[TextWord]] = []
    for word in found:
        centre = (word.top + word.bottom) / 2
        if groups:
            first = groups[-1][0]
            if abs(centre - (first.top + first.bottom) / 2) <= 0.3 * (first.bottom - first.top):
                groups[-1].append(word)
                continue
        groups.append([word])
    margin = height * MARGIN
    lines = []
    for group in groups:
        group.sort(key=lambda w: w.x0)
        text = clean(" ".join(w.text for w in group))
        top, bottom = min(w.top for w in group), max(w.bottom for w in group)
        in_margin = top > height - margin or bottom < margin
        if not text or (in_margin and page_number(text)):
            continue
        size = words.font_size(c for w in group for c in w.chars)
        lines.append(_visual(number, top, bottom, size, group, in_margin))
    return lines


def _visual(
    number: int, top: float, bottom: float, size: float, group: list[TextWord], in_margin: bool
) -> Visual:
    printed: list[Word] = []
    for w in group:
        word = Word(number, w.x0, w.x1, w.top, w.bottom, clean(w.text))
        last = printed[-1] if printed else None
        # Words of a label or header set apart by a space or letter-spacing are one text; a
        # value is never joined (two numbers are two cells however close they are).
        if last and not last.value and not word.value and word.x0 - last.x1 < 0.6 * size:
            joined = join_lines([last.text, word.text])
            bottom = max(last.bottom, word.bottom)
            printed[-1] = Word(number, last.x0, word.x1, last.top, bottom, joined)
        else:
            printed.append(word)
    first = len(printed)
    while first > 0 and printed[first - 1].value:
        first -= 1
    if 0 < first < len(printed) and printed[first].x0 - printed[first - 1].x1 < 0.6 * size:
        first = len(printed)  # a number a space after its words is part of a sentence
    return Visual(number, top, bottom, size, printed, first, in_margin)
