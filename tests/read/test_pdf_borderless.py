"""PDF tables printed without ruling lines (WPS/Word with borders hidden): read cell by cell
from word positions, every generated report of both templates as rendered, left-aligned or
centred; where the columns cannot be told apart the table stays unread with TABLE_LAYOUT,
never guessed."""

from __future__ import annotations

import re

import pytest

from pipelines.read import template as t
from pipelines.read.document import parse_bytes
from pipelines.read.readers import pdf as pdf_reader
from pipelines.read.values import is_value
from testkit import corpus
from testkit.render.layout import Layout, Table
from testkit.render.pdf import write_pdf

from support import shared
from support.reading import check_reads_as_rendered

CELL = re.compile(r"^第(\d+)页 表\d+ 第\d+行 第\d+列$")
CASES = corpus.CASES + corpus.BORDERLESS_CASES
CLEAN = {c.name: c for c in CASES}
PARAMS = [
    pytest.param(case, fmt, id=f"{case.name}.{fmt}")
    for case in CASES
    for fmt in corpus.BORDERLESS_WRITERS
]


@pytest.mark.parametrize(("case", "fmt"), PARAMS)
def test_every_cell_reads_as_printed(case: corpus.Case, fmt: str) -> None:
    # Every cell read says the page, table, row and column it was read from; no TABLE_LAYOUT
    # (the helper allows no warning the damage does not explain): the tables were read.
    check_reads_as_rendered(case, fmt, sniffed="pdf", location=CELL.pattern)


@pytest.mark.parametrize("name", ["clean-2021", "clean-2019"])
@pytest.mark.parametrize("fmt", list(corpus.BORDERLESS_WRITERS))
def test_table_crossing_a_page_break_joins_up(name: str, fmt: str) -> None:
    case = CLEAN[name]
    _, report = parse_bytes(corpus.render(case, fmt))
    pages = {
        key: int(CELL.match(loc)[1])  # type: ignore[index]
        for key, loc in report.locations.items()
        if key.startswith("applications.")
    }
    first, last = (
        pages["applications.new_received.total"],
        pages["applications.carried_forward.total"],
    )
    assert last == first + 1
    assert report.applications == case.report().applications


def test_rows_keep_blank_cells_in_their_column_and_numbers_whole() -> None:
    case = CLEAN["blanks-2021"]
    rows = pdf_reader.read(corpus.render(case, "borderless.pdf"))
    row = next(r for r in rows if len(r) > 7 and any("国家秘密" in c.text for c in r))
    values = [c.text for c in row[-7:]]
    secret = case.report().applications["denied_state_secret"]
    assert values == ["" if secret[a] is None else str(secret[a]) for a in t.APPLICANTS]
    assert values[3] == ""  # the blank stays in 社会公益组织, the numbers right of it keep theirs
    # Value columns keep their number down the table, whatever the labels of the row.
    table = [r for r in rows if len(r) > 7 and not is_value(r[0].text)]  # section 三
    assert len(table) == len(case.report().applications)  # every row of section 三
    assert len({c.location.rsplit(" ", 1)[1] for r in table for c in r[-7:]}) == 7
    # A multi-digit number is one cell, never split or merged with its neighbour.
    received = case.report().applications["new_received"]
    first = next(r for r in rows if "本年新收" in r[0].text)
    assert [c.text for c in first[-7:]] == [str(received[a]) for a in t.APPLICANTS]


def test_a_wrapped_label_is_one_cell_of_its_row() -> None:
    for fmt in corpus.BORDERLESS_WRITERS:
        rows = pdf_reader.read(corpus.render(CLEAN["split-labels-2021"], fmt))
        labels = ["".join(c.text for c in r[:-7]) for r in rows if len(r) > 7]
        assert any("①本机关不掌握相关政府信息" in label for label in labels), fmt
        assert not any(r[0].text == "握相关政府信息" for r in rows), fmt


def _shifted(case: corpus.Case, key: str) -> Layout:
    """The case with one section-三 row's cells set 10 pt off their columns (the row printed
    as a table of its own with other column widths), as a careless layout prints them."""
    doc = case.layout()
    i, table = next(
        (i, b)
        for i, b in enumerate(doc.blocks)
        if isinstance(b, Table) and "申请人情况" in b.rows[0][3]
    )
    printed = [str(case.report().applications[key][a]) for a in t.APPLICANTS]
    r = next(n for n, row in enumerate(table.rows) if row[3:] == printed)

    def part(rows: range, widths: list[float]) -> Table:
        spans = [
            (max(r0, rows.start) - rows.start, c0, min(r1, rows.stop - 1) - rows.start, c1)
            for r0, c0, r1, c1 in table.spans
            if max(r0, rows.start) <= min(r1, rows.stop - 1)
        ]
        cut = [s for s in spans if (s[0], s[1]) != (s[2], s[3])]
        return Table([table.rows[n] for n in rows], cut, widths)

    doc.blocks[i : i + 1] = [
        part(range(r), table.widths),
        part(range(r, r + 1), [28, 62, 150] + [40] * 7),  # 20 pt wider, centred: 10 pt off
        part(range(r + 1, len(table.rows)), table.widths),
    ]
    return doc


@pytest.mark.parametrize("centred", [False, True])
def test_numbers_out_of_line_leave_the_table_unread(centred: bool) -> None:
    case = CLEAN["clean-2021"]
    data = write_pdf(_shifted(case, "granted"), ruled=False, centred=centred)
    _, report = parse_bytes(data)
    # Not one number of the table whose columns do not line up is used ...
    assert all(v is None for cells in report.applications.values() for v in cells.values())
    rules = {f.rule for f in report.findings}
    assert {"TABLE_LAYOUT", "COMPLETE"} <= rules
    # ... and where it was is said; the other tables are still read.
    assert pdf_reader.unread_tables(pdf_reader.read(data))
    assert report.proactive == case.report().proactive
    assert report.reviews_litigation == case.report().reviews_litigation


def test_a_table_without_its_header_is_not_guessed() -> None:
    """Without the header nothing says how many columns there are (a column left blank in
    every row would not show), so the 15 numbers of section 四 are not used."""
    case = CLEAN["clean-2019"]
    doc = case.layout()
    table = next(b for b in doc.blocks if isinstance(b, Table) and b.rows[0][0] == "行政复议")
    doc.blocks[doc.blocks.index(table)] = Table(table.rows[3:], [], table.widths)
    _, report = parse_bytes(write_pdf(doc, ruled=False))
    assert all(v is None for cells in report.reviews_litigation.values() for v in cells.values())
    assert "TABLE_LAYOUT" in {f.rule for f in report.findings}
    assert report.applications == case.report().applications


def test_ruled_tables_are_read_as_before() -> None:
    """The same report with ruling lines: no borderless table, no unread marker."""
    case = CLEAN["blanks-2019"]
    rows = pdf_reader.read(corpus.render(case, "pdf"))
    assert pdf_reader.unread_tables(rows) == []
    _, report = parse_bytes(corpus.render(case, "pdf"))
    assert report.to_contract()["applications"] == corpus.expected(case).contract["applications"]


def test_numbers_in_running_text_are_not_a_table() -> None:
    """The real Huaian report: its paragraphs hold figures between spaces ("复议 351 件")
    and lines ending in a number; none of that is taken for a borderless table."""
    source = shared("fixtures", "real", "huaian-city-government-2024.pdf")
    rows = pdf_reader.read(source.read_bytes())
    assert pdf_reader.unread_tables(rows) == []
    assert "TABLE_LAYOUT" not in {f.rule for f in parse_bytes(source.read_bytes())[1].findings}
