"""Each consistency rule fires when the arithmetic is broken, and only then."""

from __future__ import annotations

import copy
import random

import pytest

from pipelines.read.report import Report
from pipelines.read.rules import check_arithmetic, check_years
from testkit import demo


def consistent(seed: int = 3) -> Report:
    return demo.synthetic_report(demo.BODIES[0], 2023, random.Random(seed), None)


def rules(report: Report) -> set[str]:
    return {f.rule for f in check_arithmetic(report)}


def test_a_consistent_report_has_no_findings():
    for seed in range(20):
        assert rules(consistent(seed)) == set()


@pytest.mark.parametrize(
    ("breakage", "rule", "cell"),
    [
        (
            lambda r: r.applications["granted"].update(
                total=r.applications["granted"]["total"] + 1
            ),
            "T3_ROW_TOTAL",
            "applications.granted.total",
        ),
        (
            lambda r: r.applications["new_received"].update(
                natural_person=r.applications["new_received"]["natural_person"] + 1
            ),
            "T3_BALANCE",
            "applications.new_received.natural_person",
        ),
        (
            lambda r: r.applications["total_handled"].update(
                total=r.applications["total_handled"]["total"] + 2,
                natural_person=r.applications["total_handled"]["natural_person"] + 2,
            ),
            "T3_OUTCOME_SUM",
            "applications.total_handled.natural_person",
        ),
        (
            lambda r: r.reviews_litigation["administrative_review"].update(total=99),
            "T4_TOTAL",
            "reviews_litigation.administrative_review.total",
        ),
    ],
)
def test_rule_fires_on_broken_arithmetic(breakage, rule, cell):
    report = consistent()
    breakage(report)
    findings = [f for f in check_arithmetic(report) if f.rule == rule]
    assert findings, f"{rule} did not fire"
    assert all(f.severity == "error" for f in findings)
    assert any(cell in f.cells for f in findings)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in f.message) for f in findings)


def test_blank_cells_count_as_zero():
    report = consistent()
    row = report.applications["denied_state_secret"]
    report.applications["denied_state_secret"] = dict.fromkeys(row, None)
    if any(row[a] for a in row):
        pytest.skip("this seed has values in that row")
    assert rules(report) == set()


def test_cross_year_carry_and_in_force():
    rng = random.Random(5)
    body = demo.BODIES[0]
    before = demo.synthetic_report(body, 2022, rng, None)
    after = demo.synthetic_report(body, 2023, rng, before)
    assert check_years(before, after) == []
    broken = copy.deepcopy(after)
    broken.applications["carried_over"]["natural_person"] = (
        before.applications["carried_forward"]["natural_person"] or 0
    ) + 1
    broken.proactive["regulations"]["in_force"] = (
        after.proactive["regulations"]["in_force"] or 0
    ) + 3
    found = {f.rule: f for f in check_years(before, broken)}
    assert set(found) == {"CROSS_YEAR_CARRY", "CROSS_YEAR_IN_FORCE"}
    assert all(f.severity == "warning" for f in found.values())
