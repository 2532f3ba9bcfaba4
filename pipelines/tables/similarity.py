"""The similarity of sections 一 and 五 to the same body's previous report (published table
`text_similarity`, its measure documented in its schema), made like the rules across years:
once every year is read, from the warehouse's texts, for the bodies whose partitions changed.

The measure, deterministic: the text without whitespace, punctuation, symbols and digits
(Unicode categories Z, P, S, N; Chinese numerals are words and stay), the set of its distinct
5-character shingles, and the Jaccard index |A ∩ B| / |A ∪ B| with the previous report, the
latest earlier year of the body whose section has a shingle. 0.7 or more: a near-copy (most
of the text repeated; a report rewritten around the same policy phrases stays well below).
Python sets, not SQL: DuckDB's shingles of a nation's texts (one row each) outgrow its memory.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from itertools import groupby
from typing import Any

WIDTH = 5
NEAR_COPY = 0.7
_DROPPED = frozenset("ZPSN")  # separators, punctuation, symbols, numbers


class _Removed(dict):
    """str.translate's table: each character seen mapped to itself, or to None (removed)."""

    def __missing__(self, code: int) -> int | None:
        ch = chr(code)
        kept = not ch.isspace() and unicodedata.category(ch)[0] not in _DROPPED
        self[code] = code if kept else None
        return self[code]


_REMOVED = _Removed()

# (body_id, year, section, text), ordered by body_id, section and year
Text = tuple[str, int, str, str]


def shingles(text: str) -> frozenset[str]:
    """The distinct 5-character shingles of a text, whitespace, marks and digits removed."""
    clean = text.translate(_REMOVED)
    return frozenset(clean[i : i + WIDTH] for i in range(len(clean) - WIDTH + 1))


def rows(texts: Iterable[Text]) -> list[dict[str, Any]]:
    """A `text_similarity` row for every body-year-section whose body has an earlier report
    with that section (and both have a shingle)."""
    out = []
    for (body, section), years in groupby(texts, key=lambda t: (t[0], t[2])):
        previous: tuple[int, frozenset[str]] | None = None
        for _body, year, _section, text in years:
            current = shingles(text)
            if not current:
                continue
            if previous is not None:
                out.append(_row(body, year, section, previous, current))
            previous = (year, current)
    return out


def _row(
    body: str, year: int, section: str, previous: tuple[int, frozenset[str]], a: frozenset[str]
) -> dict[str, Any]:
    previous_year, b = previous
    shared = len(a & b)
    jaccard = shared / (len(a) + len(b) - shared)
    return {
        "body_id": body,
        "year": year,
        "section": section,
        "previous_year": previous_year,
        "shingles": len(a),
        "previous_shingles": len(b),
        "shared_shingles": shared,
        "similarity": round(jaccard, 4),
        "near_copy": jaccard >= NEAR_COPY,
    }
