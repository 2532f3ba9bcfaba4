"""Render a report into a document in the national template (text or HTML).

Used for the synthetic demonstration corpus and by the tests, which read rendered documents
back and compare every cell.
"""

from __future__ import annotations

import html

from pipelines import template as t
from pipelines.report import Report

_GROUP_NUMBER = {
    "三、本年度办理结果": "三",
    "不予公开": "3",
    "无法提供": "4",
    "不予处理": "5",
    "其他处理": "6",
}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def _fmt(value: int | float | None) -> str:
    return "" if value is None else str(value)


def _title(report: Report) -> str:
    return f"{report.agency}{report.year}年度政府信息公开工作年度报告"


def _application_labels(report: Report) -> list[tuple[str, str, str]]:
    """(group label, sub-group label, row label) for each section-三 row, as printed."""
    rows = []
    counters: dict[str, int] = {}
    numbers = {"granted": "1.", "partially_granted": "2."}
    for key in report.applications:
        row = next(r for r in t.ALL_APPLICATION_ROWS if r.key == key)
        if key in ("new_received", "carried_over", "carried_forward"):
            rows.append((row.label, "", ""))
        elif key == "total_handled":
            rows.append(("三、本年度办理结果", "7.总计", ""))
        elif key in numbers:
            rows.append(("三、本年度办理结果", numbers[key] + row.label, ""))
        elif key == "other_processing":
            rows.append(("三、本年度办理结果", "6.其他处理", ""))
        else:
            n = counters.get(row.group, 0)
            counters[row.group] = n + 1
            group = f"{_GROUP_NUMBER[row.group]}.{row.group}"
            rows.append(("三、本年度办理结果", group, _CIRCLED[n] + row.label))
    return rows


def to_text(report: Report, *, preamble: str = "") -> str:
    """Tab-separated text, the shape PDF text extraction gives (labels and cells by tabs)."""
    out = [report.agency or "", f"{report.year}年度政府信息公开工作年度报告", ""]
    if preamble:
        out += [preamble, ""]
    out += ["一、总体情况", "", "本机关按照《中华人民共和国政府信息公开条例》要求编制本报告。", ""]
    out += [t.SECTIONS["proactive"], ""]
    for item in t.items_for(report.template):
        out.append(f"{item.article}\t\t\t")
        out.append("信息内容\t" + "\t".join(t.MEASURE_LABELS[m] for m in item.measures))
        values = report.proactive[item.key]
        out.append(item.label + "\t" + "\t".join(_fmt(values[m]) for m in item.measures))
    out += ["", t.SECTIONS["applications"], ""]
    out.append("\t\t\t申请人情况\t\t\t\t\t\t")
    out.append("\t\t\t" + "\t".join(t.APPLICANTS.values()))
    for (group, sub, label), (_key, cells) in zip(
        _application_labels(report), report.applications.items(), strict=True
    ):
        out.append("\t".join([group, sub, label, *(_fmt(cells[a]) for a in t.APPLICANTS)]))
    out += ["", t.SECTIONS["reviews_litigation"], ""]
    out.append("行政复议\t\t\t\t\t行政诉讼")
    out.append("\t".join(list(t.OUTCOMES.values()) * 3))
    out.append(
        "\t".join(_fmt(report.reviews_litigation[p][o]) for p in t.PROCEEDINGS for o in t.OUTCOMES)
    )
    out += [
        "",
        "五、存在的主要问题及改进情况",
        "",
        "无。",
        "",
        "六、其他需要报告的事项",
        "",
        "无。",
        "",
    ]
    return "\n".join(out)


def to_html(report: Report, *, preamble: str = "", charset: str | None = "utf-8") -> str:
    """An HTML page with real tables (rowspan for the outcome groups), as portals publish."""
    e = html.escape
    meta = f'<meta charset="{charset}">' if charset else ""
    parts = [
        f"<!DOCTYPE html><html><head>{meta}<title>{e(_title(report))}</title></head><body>",
        f"<h1>{e(_title(report))}</h1>",
    ]
    if preamble:
        parts.append(f"<p><strong>{e(preamble)}</strong></p>")
    parts.append(
        "<p>一、总体情况</p><p>本机关按照《中华人民共和国政府信息公开条例》要求编制本报告。</p>"
    )
    parts.append(f"<p>{e(t.SECTIONS['proactive'])}</p><table border='1'>")
    for item in t.items_for(report.template):
        width = len(item.measures) + 1
        parts.append(f"<tr><td colspan='{width}'>{e(item.article)}</td></tr>")
        parts.append(
            "<tr><td>信息内容</td>"
            + "".join(f"<td>{e(t.MEASURE_LABELS[m])}</td>" for m in item.measures)
            + "</tr>"
        )
        values = report.proactive[item.key]
        parts.append(
            f"<tr><td>{e(item.label)}</td>"
            + "".join(f"<td>{_fmt(values[m]) or '&nbsp;'}</td>" for m in item.measures)
            + "</tr>"
        )
    parts.append("</table>")
    parts.append(f"<p>{e(t.SECTIONS['applications'])}</p><table border='1'>")
    parts.append(
        "<tr><td colspan='3' rowspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，"
        "等于第三项加第四项之和）</td><td colspan='7'>申请人情况</td></tr>"
        "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td>"
        "<td rowspan='2'>总计</td></tr><tr>"
        + "".join(f"<td>{e(t.APPLICANTS[a])}</td>" for a in t.APPLICANT_PARTS[1:])
        + "</tr>"
    )
    labels = _application_labels(report)
    spans: dict[str, int] = {}
    for _group, sub, label in labels:
        if label:
            spans[sub] = spans.get(sub, 0) + 1
    seen: set[str] = set()
    for (group, sub, label), (_key, cells) in zip(labels, report.applications.items(), strict=True):
        values = "".join(f"<td>{_fmt(cells[a]) or '&nbsp;'}</td>" for a in t.APPLICANTS)
        if not sub:
            parts.append(f"<tr><td colspan='3'>{e(group)}</td>{values}</tr>")
        elif not label:
            parts.append(f"<tr><td>{e(group)}</td><td colspan='2'>{e(sub)}</td>{values}</tr>")
        elif sub in seen:
            parts.append(f"<tr><td>{e(group)}</td><td>{e(label)}</td>{values}</tr>")
        else:
            seen.add(sub)
            parts.append(
                f"<tr><td>{e(group)}</td><td rowspan='{spans[sub]}'>{e(sub)}</td>"
                f"<td>{e(label)}</td>{values}</tr>"
            )
    parts.append("</table>")
    parts.append(f"<p>{e(t.SECTIONS['reviews_litigation'])}</p><table border='1'>")
    parts.append(
        "<tr><td colspan='5'>行政复议</td><td colspan='10'>行政诉讼</td></tr>"
        "<tr>"
        + "".join(f"<td rowspan='2'>{o}</td>" for o in t.OUTCOMES.values())
        + "<td colspan='5'>未经复议直接起诉</td><td colspan='5'>复议后起诉</td></tr>"
        "<tr>" + "".join(f"<td>{o}</td>" for o in t.OUTCOMES.values()) * 2 + "</tr>"
    )
    parts.append(
        "<tr>"
        + "".join(
            f"<td>{_fmt(report.reviews_litigation[p][o]) or '&nbsp;'}</td>"
            for p in t.PROCEEDINGS
            for o in t.OUTCOMES
        )
        + "</tr></table>"
    )
    parts.append(
        "<p>五、存在的主要问题及改进情况</p><p>无。</p><p>六、其他需要报告的事项</p><p>无。</p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)
