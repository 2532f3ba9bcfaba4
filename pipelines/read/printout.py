"""A reading for a person (`xxgk parse FILE`): the three tables as the template prints them,
aligned in Chinese, each flagged cell marked with the numbers of the findings naming it, then
the findings — so a clerk can hold it against the document.

Widths count a CJK character as two columns (unicodedata.east_asian_width W/F), as a terminal
draws it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from pipelines.read import template as t
from pipelines.read.report import Report
from pipelines.read.rules import RULES

BLANK = "空"  # a blank cell (counted as 0 in the sums)
SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
Row = list[str]


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, size: int, right: bool) -> str:
    space = " " * (size - width(text))
    return space + text if right else text + space


def table(header: Row, rows: list[Row]) -> list[str]:
    """Aligned lines: the first column (labels) left, the others (numbers) right."""
    sizes = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(r: Row) -> str:
        return "  ".join(_pad(c, sizes[i], right=i > 0) for i, c in enumerate(r)).rstrip()

    rule = "  ".join("─" * s for s in sizes)
    return [line(header), rule, *(line(r) for r in rows)]


def marks(report: Report) -> dict[str, list[int]]:
    """Cell path → the numbers (from 1, in finding order) of the findings that name it."""
    out: dict[str, list[int]] = {}
    for n, f in enumerate(report.findings, start=1):
        for cell in dict.fromkeys(f.cells):
            out.setdefault(cell, []).append(n)
    return out


def _value(report: Report, path: str, flagged: dict[str, list[int]]) -> str:
    section, row, col = path.split(".")
    value = getattr(report, section).get(row, {}).get(col)
    if value is None:
        text = BLANK
    elif isinstance(value, float) and value.is_integer() and col not in t.MONEY_UNITS:
        text = str(int(value))
    else:
        text = str(value)
    numbers = flagged.get(path)
    return f"{text}〔{','.join(map(str, numbers))}〕" if numbers else text


def proactive(report: Report, flagged: dict[str, list[int]]) -> list[str]:
    """Section 二 as the template prints it: one small table per run of items with the same
    measures."""
    items = [i for i in t.items_for(report.template) if i.key in report.proactive]
    groups: list[list[t.Item]] = []
    for item in items:
        if groups and groups[-1][0].measures == item.measures:
            groups[-1].append(item)
        else:
            groups.append([item])
    lines: list[str] = []
    for group in groups:
        header = ["项目", *(t.MEASURE_LABELS[m] for m in group[0].measures)]
        rows = [
            [i.label, *(_value(report, f"proactive.{i.key}.{m}", flagged) for m in i.measures)]
            for i in group
        ]
        lines += [*table(header, rows), ""]
    return lines


def applications(report: Report, flagged: dict[str, list[int]]) -> list[str]:
    """Section 三: a row per line of the template (grouped as it groups them), a column per
    kind of applicant."""
    rows: list[Row] = []
    headed: set[str] = set()
    for r in t.ALL_APPLICATION_ROWS:
        if r.key not in report.applications:
            continue
        top = r.group == t.RESULTS_GROUP
        if r.group and r.group not in headed:
            if not top and t.RESULTS_GROUP not in headed:  # a report without 予以公开
                rows.append([t.RESULTS_GROUP] + [""] * len(t.APPLICANTS))
                headed.add(t.RESULTS_GROUP)
            rows.append([r.group if top else f"  {r.group}"] + [""] * len(t.APPLICANTS))
            headed.add(r.group)
        indent = "" if not r.group else "  " if top else "    "
        cells = [_value(report, f"applications.{r.key}.{a}", flagged) for a in t.APPLICANTS]
        rows.append([indent + r.label, *cells])
    return [*table(["", *t.APPLICANTS.values()], rows), ""]


def reviews(report: Report, flagged: dict[str, list[int]]) -> list[str]:
    """Section 四: a row per proceeding, a column per outcome."""
    rows = [
        [label, *(_value(report, f"reviews_litigation.{p}.{o}", flagged) for o in t.OUTCOMES)]
        for p, label in t.PROCEEDINGS.items()
        if p in report.reviews_litigation
    ]
    return [*table(["", *t.OUTCOMES.values()], rows), ""]


def cell_label(path: str) -> str:
    """`applications.granted.natural_person` → 申请表「予以公开」行「自然人」列."""
    section, row, col = path.split(".")
    if section == "proactive":
        item = next((i.label for i in t.ITEMS["2021"] + t.ITEMS["2019"] if i.key == row), row)
        return f"主动公开「{item}」「{t.MEASURE_LABELS.get(col, col)}」"
    if section == "applications":
        label = next((r.label for r in t.ALL_APPLICATION_ROWS if r.key == row), row)
        return f"申请表「{label}」行「{t.APPLICANTS.get(col, col)}」列"
    return f"复议诉讼表「{t.PROCEEDINGS.get(row, row)}」「{t.OUTCOMES.get(col, col)}」"


def findings(report: Report) -> list[str]:
    lines = [f"问题 findings（{len(report.findings)}）"]
    for n, f in enumerate(report.findings, start=1):
        name = RULES.get(f.rule, ("", ""))[1]
        lines.append(
            f"〔{n}〕{SEVERITY.get(f.severity, f.severity)} {f.rule}（{name}）：{f.message}"
        )
        cells = list(dict.fromkeys(f.cells))
        if cells:
            lines.append("    单元格：" + "；".join(cell_label(c) for c in cells))
    return lines


def render(report: Report, source_format: str) -> Iterable[str]:
    """Every line `xxgk parse FILE` prints."""
    flagged = marks(report)
    yield (
        f"{report.agency or '（未读出机关）'} {report.year or '?'}年"
        f" · 模板 {report.template} · 格式 {source_format}"
    )
    yield f"标记：数字后的〔n〕是下面第 n 条问题所指的单元格；「{BLANK}」为空白单元格（计算时按0处理）。"
    yield ""
    for key, render_section in (
        ("proactive", proactive),
        ("applications", applications),
        ("reviews_litigation", reviews),
    ):
        yield t.SECTIONS[key]
        yield from render_section(report, flagged)
    yield from findings(report)
