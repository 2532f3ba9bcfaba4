"""Units printed inside cells (万元, 元, 件 …): read with the number, normalised to the column's
unit, and a finding on the cell wherever the unit contradicts its column or cannot be decided."""

from __future__ import annotations

import pytest

from pipelines.read.document import parse_bytes
from testkit import corpus
from testkit.render.layout import in_10k

PROCUREMENT = "proactive.government_procurement.procurement_amount_yuan"


def _case(name: str) -> corpus.Case:
    return next(c for c in corpus.CASES if c.name == name)


def _named(report, rule: str) -> dict[str, str]:
    return {c: f.severity for f in report.findings if f.rule == rule for c in f.cells}


@pytest.mark.parametrize("fmt", ["txt", "html", "pdf", "docx"])
def test_an_amount_printed_in_10k_yuan_under_a_yuan_header_is_converted_and_named(fmt) -> None:
    case = _case("money-units-in-cells-2019")
    yuan = case.report().proactive["government_procurement"]["procurement_amount_yuan"]
    _, report = parse_bytes(corpus.render(case, fmt))
    # the 10,000× error of a real report: 3462.58万元 under 采购总金额（元）
    assert report.proactive["government_procurement"]["procurement_amount_yuan"] == yuan
    assert report.printed[PROCUREMENT] == f"{in_10k(yuan)}万元"
    assert _named(report, "UNIT_CONVERTED") == {PROCUREMENT: "warning"}


def test_fees_printed_in_the_unit_of_their_header_need_no_finding() -> None:
    case = _case("money-units-in-cells-2021")
    amount = case.report().proactive["administrative_fees"]["amount_10k_yuan"]
    _, report = parse_bytes(corpus.render(case, "html"))
    assert report.proactive["administrative_fees"]["amount_10k_yuan"] == amount
    assert report.printed["proactive.administrative_fees.amount_10k_yuan"] == f"{amount}万元"
    assert not [f for f in report.findings if f.rule.startswith("UNIT_")]


def test_an_amount_with_no_unit_in_cell_or_header_is_named_as_undecided() -> None:
    case = _case("money-unit-unstated-2019")
    _, report = parse_bytes(corpus.render(case, "html"))
    assert _named(report, "UNIT_UNKNOWN") == {PROCUREMENT: "warning"}


def test_a_zero_amount_needs_no_unit() -> None:
    case = _case("money-unit-unstated-2019")
    yuan = case.report().proactive["government_procurement"]["procurement_amount_yuan"]
    html = corpus.render(case, "html").decode()
    assert html.count(f">{yuan}<") == 1
    _, report = parse_bytes(html.replace(f">{yuan}<", ">0<").encode())
    assert report.proactive["government_procurement"]["procurement_amount_yuan"] == 0
    assert "UNIT_UNKNOWN" not in {f.rule for f in report.findings}


@pytest.mark.parametrize(("printed", "rule"), [("376万元", "UNIT_MISMATCH"), ("376件", None)])
def test_a_count_printed_with_a_money_unit_is_left_unread_with_an_error(printed, rule) -> None:
    case = _case("clean-2021")
    decisions = case.report().proactive["administrative_licensing"]["decisions"]
    assert decisions == 376  # the value this test prints with a unit
    html = corpus.render(case, "html").decode()
    _, report = parse_bytes(html.replace(">376<", f">{printed}<").encode())
    path = "proactive.administrative_licensing.decisions"
    assert report.printed[path] == printed
    if rule is None:  # 件 is a count's own unit
        assert report.proactive["administrative_licensing"]["decisions"] == 376
        assert not [f for f in report.findings if f.rule.startswith("UNIT_")]
    else:
        assert report.proactive["administrative_licensing"]["decisions"] is None
        assert _named(report, rule) == {path: "error"}
