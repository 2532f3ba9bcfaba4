"""Readers: HTML spans, blanks and encodings; text and markdown."""

from __future__ import annotations

import random

import pytest

from pipelines.files import sniff
from pipelines.read.document import parse_bytes
from pipelines.read.readers import html, text
from pipelines.read.values import live
from testkit import demo
from testkit.demo import to_html, to_text


def synthetic(seed: int = 7):
    return demo.synthetic_report(demo.BODIES[2], 2023, random.Random(seed), None)


def test_rowspan_and_colspan_are_expanded_with_copies_marked():
    page = b"""<table><tr><td rowspan="2">A</td><td colspan="2">B</td></tr>
    <tr><td>1</td><td>2</td></tr></table>"""
    rows = html.read(page)
    assert [[c.text for c in r] for r in rows] == [["A", "B", "B"], ["A", "1", "2"]]
    assert [[c.spanned for c in r] for r in rows] == [[False, False, True], [True, False, False]]
    assert [c.text for c in live(rows[1])] == ["1", "2"]
    assert rows[1][2].location == "表1 第2行 第3列"


def test_nbsp_cells_are_blank_and_layout_tables_are_unwrapped():
    page = "<table><tr><td><p>标题</p><table><tr><td>x</td><td>&nbsp;</td></tr></table></td></tr></table>"
    rows = html.read(page.encode())
    assert [[c.text for c in r] for r in rows] == [["标题"], ["x", ""]]


@pytest.mark.parametrize(
    ("charset", "encoding"),
    [("utf-8", "utf-8"), (None, "gb18030"), ("gb2312", "gb18030"), (None, "utf-8")],
)
def test_html_every_cell_in_any_encoding(charset, encoding):
    report = synthetic()
    report.agency = "永安市〇〇局"  # 〇 is not in GB2312: lxml alone would truncate the page
    page = to_html(report, charset=charset).encode(encoding)
    fmt, got = parse_bytes(page)
    assert fmt == "html"
    assert got.agency == "永安市〇〇局" and got.year == 2023
    assert (got.proactive, got.applications, got.reviews_litigation) == (
        report.proactive,
        report.applications,
        report.reviews_litigation,
    )


def test_text_every_cell_and_blanks_are_null():
    report = synthetic(11)
    # Interior blanks: at the edges of a text line, empty fields are layout noise (see fit()).
    row = report.applications["denied_state_secret"]
    row.update(natural_person=0, other_organization=0, total=0)
    for a in (
        "commercial_enterprise",
        "research_institution",
        "social_welfare_organization",
        "legal_service_agency",
    ):
        row[a] = None
    _, got = parse_bytes(to_text(report).encode())
    assert got.applications == report.applications
    assert got.proactive == report.proactive
    blank = next(f for f in got.findings if f.rule == "BLANK_CELL")
    assert blank.cells == [
        f"applications.denied_state_secret.{a}"
        for a in (
            "commercial_enterprise",
            "research_institution",
            "social_welfare_organization",
            "legal_service_agency",
        )
    ]


def test_markdown_tables_are_split_on_pipes():
    rows = text.read("| 规章 | 1 | 2 |\n|---|---|---|\n| 行政许可 | 3 | |".encode())
    assert [[c.text for c in r] for r in rows] == [["规章", "1", "2"], ["行政许可", "3", ""]]


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"<p>fragment</p>", "html"),
        (b"PK\x03\x04....word/document.xml", "docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "doc"),
        ("二〇二三年度".encode("gb18030"), "text"),
    ],
)
def test_sniff_by_content_not_name(data, fmt):
    assert sniff(data) == fmt


def test_year_in_chinese_numerals_and_year_before_agency():
    page = "<p>二〇二三年永安市财政局政府信息公开工作年度报告</p>"
    report = synthetic()
    body = to_html(report).replace(
        f"<h1>{report.agency}2023年度政府信息公开工作年度报告</h1>", page
    )
    _, got = parse_bytes(body.encode("gb18030"))
    assert (got.agency, got.year) == ("永安市财政局", 2023)
