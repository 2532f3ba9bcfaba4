"""Section 一's figures in words against the tables (NARRATIVE_MISMATCH)."""

from __future__ import annotations

import json
import unicodedata

import pytest

from pipelines.read import narrative
from pipelines.read.document import parse_bytes
from pipelines.read.grid import Cell
from testkit import corpus

CASE = next(c for c in corpus.CASES if c.name == "narrative-agrees-2021")


def _lines(*texts: str) -> list[list[Cell]]:
    return [[Cell(t, f"第{i}行")] for i, t in enumerate(texts, start=1)]


@pytest.mark.parametrize("fmt", ["txt", "html", "pdf", "docx"])
def test_figures_that_agree_give_no_finding(fmt: str) -> None:
    _, report = parse_bytes(corpus.render(CASE, fmt))
    assert "NARRATIVE_MISMATCH" not in {f.rule for f in report.findings}


def test_a_stated_figure_that_differs_names_the_table_cell_and_where_it_was_said() -> None:
    report = CASE.report()
    new = report.applications["new_received"]["total"]
    # a sentence wrapped over two lines, as PDF text gives it
    rows = _lines("2024年，全市共受理政", f"府信息公开申请 {new + 1} 件，均按时答复。")
    [finding] = narrative.check(rows, report)
    assert finding.cells == ["applications.new_received.total"]
    assert finding.message.startswith("第1行正文称「受理政府信息公开申请")
    assert f"统计表中收到的申请为{new}件" in finding.message


def test_received_may_count_last_years_carried_over_applications() -> None:
    report = CASE.report()
    a = report.applications
    both = a["new_received"]["total"] + a["carried_over"]["total"]
    assert narrative.check(_lines(f"共受理政府信息公开申请{both}件。"), report) == []


def test_litigation_is_both_proceedings_and_the_first_statement_counts() -> None:
    report = CASE.report()
    r = report.reviews_litigation
    sued = r["litigation_without_review"]["total"] + r["litigation_after_review"]["total"]
    review = r["administrative_review"]["total"]
    text = f"行政复议{review}件，诉讼{sued}件，其中结果维持{sued + 9}件。"
    assert narrative.check(_lines(text), report) == []
    [finding] = narrative.check(_lines(f"行政复议{review}件，诉讼{sued + 2}件。"), report)
    assert finding.cells[0] == "reviews_litigation.litigation_without_review.total"


OVERVIEW = "本年度，本局围绕优化营商环境推进政务公开，全年主动公开文件128件，办理申请均按期答复。"
PROBLEMS = "存在的问题是公开内容更新不够及时。下一步将完善发布审核机制，加强业务培训。"


@pytest.mark.parametrize("fmt", ["txt", "html", "pdf", "docx"])
def test_the_text_of_sections_one_and_five_is_kept_but_not_in_the_contract(fmt: str) -> None:
    from testkit.render.layout import layout

    doc = layout(CASE.report(), prose=(OVERVIEW, PROBLEMS))
    _, report = parse_bytes(corpus.WRITERS[fmt](doc))
    kept = {k: "".join(v.split()) for k, v in report.narrative.items()}
    # as every reader gives text: NFKC (a full-width comma is read as ",")
    expected = {"overview": OVERVIEW, "problems": PROBLEMS}
    assert kept == {k: unicodedata.normalize("NFKC", v) for k, v in expected.items()}
    assert "narrative" not in report.to_contract()
    assert "narrative" not in json.dumps(report.to_contract(), ensure_ascii=False)
