"""Characters into words and lines, as pdfplumber groups them (its defaults: 3 pt tolerances,
blanks end a word, ligatures spelt out), so that what the readers were tuned on stays the same.

A line is a cluster of characters whose tops lie within 3 pt of the next one's; a word is a
run of a line's characters, left to right, each starting no more than 3 pt after the last
one ends. Rotated characters (not upright) are read top to bottom in lines by their left edge.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby, pairwise
from typing import TypeVar

from pipelines.read.readers.pdf.layer import Char

_TOLERANCE = 3.0
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TextWord:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    chars: list[Char]


@dataclass(frozen=True, slots=True)
class TextLine:
    text: str  # its words, a space between each
    x0: float
    x1: float
    top: float
    bottom: float
    chars: list[Char]


def cluster(items: Sequence[T], key: Callable[[T], float], tolerance: float) -> list[list[T]]:
    """Items whose keys chain together within `tolerance`, lowest first (pdfplumber's
    `cluster_objects`: each group keeps the items' order)."""
    if len(items) < 2:
        return [list(items)] if items else []
    index = _cluster_index([key(item) for item in items], tolerance)
    groups: list[list[T]] = [[] for _ in set(index.values())]
    for item in items:
        groups[index[key(item)]].append(item)
    return groups


def unique(chars: Sequence[Char]) -> list[Char]:
    """The characters without doubles: fake bold prints each character twice, a little
    offset. Of characters alike (text, font, size) within 1 pt down and across, the topmost
    then leftmost stays; the order is kept."""
    alike: dict[tuple[bool, str, str, float], list[int]] = {}
    for i, c in enumerate(chars):
        alike.setdefault((c.upright, c.text, c.font, c.size), []).append(i)
    kept = []
    for group in alike.values():
        if len(group) == 1:
            kept.append(group[0])  # most characters: nothing to compare
            continue
        for line in _chains(group, lambda i: chars[i].top):
            for spot in _chains(line, lambda i: chars[i].x0) if len(line) > 1 else [line]:
                kept.append(min(spot, key=lambda i: (chars[i].top, chars[i].x0)))
    return [chars[i] for i in sorted(kept)]


def _chains(indices: list[int], value: Callable[[int], float]) -> Iterator[list[int]]:
    """`cluster` with a 1 pt tolerance, for indices in ascending order."""
    ordered = sorted(indices, key=value)
    chain = [ordered[0]]
    for prev, i in pairwise(ordered):
        if value(i) > value(prev) + 1.0:
            yield sorted(chain)
            chain = []
        chain.append(i)
    yield sorted(chain)


def words(chars: Sequence[Char]) -> list[TextWord]:
    """The words, line by line; runs of upright and rotated characters each on their own."""
    out = []
    for upright, run in groupby(chars, key=lambda c: c.upright):
        for line in _char_lines(list(run), upright):
            out.extend(_word(w) for w in _split(line, upright))
    return out


def text_lines(chars: Sequence[Char]) -> list[TextLine]:
    """The lines of text, top to bottom: words clustered by their tops in the order read."""
    found = words(chars)
    index = _cluster_index([w.top for w in found], _TOLERANCE)
    lines = []
    for _, group in groupby(found, key=lambda w: index[w.top]):
        members = list(group)
        line_chars = [c for w in members for c in w.chars]
        lines.append(
            TextLine(
                " ".join(w.text for w in members),
                min(w.x0 for w in members),
                max(w.x1 for w in members),
                min(w.top for w in members),
                max(w.bottom for w in members),
                line_chars,
            )
        )
    return lines


def text(chars: Sequence[Char]) -> str:
    """The characters' text: words joined by spaces, lines by line breaks."""
    found = words(chars)
    if len(found) == 1:
        return found[0].text
    lines = cluster(found, lambda w: w.top, _TOLERANCE)
    return "\n".join(" ".join(w.text for w in line) for line in lines)


def font_size(chars: Iterable[Char]) -> float:
    """The size most of the characters are printed in, to 0.1 pt."""
    return Counter(round(c.size, 1) for c in chars).most_common(1)[0][0]


def _cluster_index(values: list[float], tolerance: float) -> dict[float, int]:
    """Each value's group: values sorted, a new group wherever one is more than `tolerance`
    above the one before."""
    index: dict[float, int] = {}
    group, last = -1, None
    for value in sorted(set(values)):
        if last is None or value > last + tolerance:
            group += 1
        index[value] = group
        last = value
    return index


def _char_lines(chars: list[Char], upright: bool) -> Iterator[list[Char]]:
    if upright and max(c.top for c in chars) - min(c.top for c in chars) <= _TOLERANCE:
        yield sorted(chars, key=lambda c: c.x0)  # one line (most table cells): no clustering
    elif upright:
        for line in cluster(chars, lambda c: c.top, _TOLERANCE):
            yield sorted(line, key=lambda c: c.x0)
    else:
        for line in cluster(chars, lambda c: c.x0, _TOLERANCE):
            yield sorted(line, key=lambda c: (c.top, c.bottom))


def _split(line: list[Char], upright: bool) -> Iterator[list[Char]]:
    """A line's words: a blank ends one, and so does a gap or a step back or across."""
    word: list[Char] = []
    for char in line:
        if char.text.isspace():
            if word:
                yield word
            word = []
        elif word and _new_word(word[-1], char, upright):
            yield word
            word = [char]
        else:
            word.append(char)
    if word:
        yield word


def _new_word(prev: Char, char: Char, upright: bool) -> bool:
    if upright:
        start, end, at, cross, was = char.x0, prev.x1, prev.x0, char.top, prev.top
    else:
        start, end, at, cross, was = char.top, prev.bottom, prev.top, char.x0, prev.x0
    return start < at or start > end + _TOLERANCE or abs(cross - was) > _TOLERANCE


def _word(chars: list[Char]) -> TextWord:
    return TextWord(
        "".join([_LIGATURES.get(c.text, c.text) for c in chars]),
        min([c.x0 for c in chars]),
        max([c.x1 for c in chars]),
        min([c.top for c in chars]),
        max([c.bottom for c in chars]),
        chars,
    )
