"""Numbers run together: text pasted from a web page (or a PDF) without its cell borders prints
a row's seven numbers as one, 「300153006143119」. Many cuts are possible; a cut is taken only
when the row's own totals confirm exactly one.
"""

from __future__ import annotations

import re

MAX_DIGITS = 7  # no count in these tables runs to ten million
_RUN = re.compile(r"^\d+$")


def is_run(text: str, numbers: int) -> bool:
    """`text` could be `numbers` numbers run together (and is more than one)."""
    return bool(_RUN.match(text)) and numbers <= len(text) <= numbers * MAX_DIGITS


def cuts(digits: str, groups: tuple[int, ...], most: int = 2) -> list[list[str]]:
    """Up to `most` ways to cut `digits` into numbers, group after group, where each group of
    `n` numbers ends with the sum of the `n - 1` before it. No number has a leading zero."""
    found: list[list[str]] = []

    def number_at(start: int) -> list[str]:
        if start >= len(digits):
            return []
        if digits[start] == "0":
            return ["0"]
        return [
            digits[start:end] for end in range(start + 1, min(start + MAX_DIGITS, len(digits)) + 1)
        ]

    def group(start: int, left: tuple[int, ...], taken: list[str]) -> None:
        if len(found) >= most:
            return
        if not left:
            if start == len(digits):
                found.append(taken)
            return
        parts(start, left, taken, [], left[0] - 1)

    def parts(start: int, left: tuple[int, ...], taken: list[str], got: list[str], n: int) -> None:
        if n == 0:  # the group's total must come next, and equal the sum
            total = str(sum(int(x) for x in got))
            if digits.startswith(total, start):
                group(start + len(total), left[1:], [*taken, *got, total])
            return
        for number in number_at(start):
            parts(start + len(number), left, taken, [*got, number], n - 1)

    group(0, groups, [])
    return found
