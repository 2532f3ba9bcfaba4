"""Tables pasted or flattened from web pages into text (cells split by spaces, a table on one
line, numbers run together): read when the cells can be told apart, never guessed."""

from __future__ import annotations

import pytest

from pipelines.read.document import parse_bytes
from testkit import corpus

from support.reading import check_reads_as_rendered

SECTIONS = ("proactive", "applications", "reviews_litigation")


@pytest.mark.parametrize(
    ("case", "fmt"),
    [
        pytest.param(c, fmt, id=f"{c.name}.{fmt}")
        for c in corpus.PASTED_CASES
        for fmt in ("pasted.txt", "one-line.txt")
    ],
)
def test_every_cell_of_a_pasted_table_reads_as_printed(case: corpus.Case, fmt: str) -> None:
    check_reads_as_rendered(case, fmt, sniffed="text", location=r"^第\d+行$")


@pytest.mark.parametrize("case", corpus.PASTED_CASES, ids=lambda c: c.name)
def test_numbers_run_together_are_cut_only_where_the_totals_allow_one_cut(case) -> None:
    want = corpus.expected(case).contract
    _, report = parse_bytes(corpus.render(case, "glued.txt"))
    got = report.to_contract()
    named = {
        c: f.rule for f in report.findings if f.severity in ("error", "warning") for c in f.cells
    }
    cut = 0
    for section in SECTIONS:
        for row, cells in want[section].items():
            for column, value in cells.items():
                path = f"{section}.{row}.{column}"
                read = got[section][row][column]
                if named.get(path) == "DIGITS_SPLIT":
                    cut += 1
                if read == value:
                    continue
                # never a wrong number: unread, and a finding says why
                assert read is None, (path, value, read)
                assert path in named or "COMPLETE" in {f.rule for f in report.findings}, path
    if case.damage.digits == "ascii" and case.damage.labels != "vertical":
        assert cut > 0  # rows whose totals confirm one cut are read (plain digits glue)


def test_a_row_run_together_two_ways_is_left_unread() -> None:
    from pipelines.read.readers import text

    line = "一、本年新收政府信息公开申请数量73161531985814142" + "7908"
    rows = text.read(line.encode())
    assert [c.text for c in rows[0]] == [
        "一、本年新收政府信息公开申请数量",
        "731615319858141427908",
    ]
