"""Figures that section 一 states in words (全年共受理政府信息公开申请X件，答复X件，行政复议X件 …)
against the tables: where text and tables disagree the report gets NARRATIVE_MISMATCH on the
table cells (third-party evaluations of these reports flag exactly this).

Only phrasings that name a table figure are taken, each with the figures it may mean: 受理/收到
申请 is the new applications (some bodies count last year's carried-over ones in it too);
答复/办结 the applications handled; 行政复议 and (行政)诉讼 each proceeding's total.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from pipelines.read.grid import Row, row_text
from pipelines.read.report import Finding, Report
from pipelines.read.values import live

_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)\s*(?:件|起|宗)"
_GAP = r"[^，。；;,\d]{0,12}?"  # words between a phrase and its number, within one clause
_NEW = "applications.new_received.total"
_CARRIED = "applications.carried_over.total"


@dataclass(frozen=True)
class _Phrase:
    label: str
    meanings: tuple[tuple[str, ...], ...]  # the sums of table cells the figure may state
    pattern: re.Pattern[str]


_PHRASES = (
    _Phrase(
        "收到的申请",
        ((_NEW,), (_NEW, _CARRIED)),
        re.compile(rf"(?:受理|收到|新收){_GAP}申请{_GAP}{_NUMBER}"),
    ),
    _Phrase(
        "答复的申请",
        (("applications.total_handled.total",),),
        re.compile(rf"(?:答复|办结)(?:政府信息公开)?(?:申请)?(?:共|合计|共计)?\s*{_NUMBER}"),
    ),
    _Phrase(
        "行政复议",
        (("reviews_litigation.administrative_review.total",),),
        re.compile(rf"行政复议(?:案件|申请)?{_GAP}{_NUMBER}"),
    ),
    _Phrase(
        "行政诉讼",
        (
            (
                "reviews_litigation.litigation_without_review.total",
                "reviews_litigation.litigation_after_review.total",
            ),
        ),
        re.compile(rf"诉讼(?:案件)?{_GAP}{_NUMBER}"),
    ),
)


def check(rows: list[Row], report: Report) -> list[Finding]:
    """`rows`: the document before its first table (title and section 一). Lines are joined
    first: PDF text wraps a sentence over several rows."""
    texts = [row_text(live(row)) for row in rows]
    starts = list(accumulate((len(t) for t in texts), initial=0))
    text = "".join(texts)
    findings = []
    for phrase in _PHRASES:
        match = phrase.pattern.search(text)  # the first statement of each figure is checked
        if match is None:
            continue
        stated = int(match.group(1).replace(",", ""))
        sums = [_sum(report, paths) for paths in phrase.meanings]
        if sums[0] is None or stated in sums:
            continue  # no table to compare with, or they agree
        where = rows[bisect_right(starts, match.start()) - 1][0].location
        findings.append(
            Finding(
                "NARRATIVE_MISMATCH",
                "warning",
                f"{where}正文称「{match.group(0)}」，统计表中{phrase.label}为{sums[0]:g}件",
                list(phrase.meanings[0]),
            )
        )
    return findings


def _sum(report: Report, paths: tuple[str, ...]) -> int | float | None:
    """The cells' sum (a blank counts 0), or None where the table has none of them."""
    values = []
    for path in paths:
        section, row, column = path.split(".")
        values.append(getattr(report, section).get(row, {}).get(column))
    return None if all(v is None for v in values) else sum(v or 0 for v in values)
