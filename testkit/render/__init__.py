"""Render a report into a document in the national template.

`to_text` and `to_html` write the synthetic demonstration corpus (their output is committed in
demo/). `layout` and the `write_*` functions render a report, with or without the damage real
documents show, into every format the readers take; the generated corpus and the tests read
those documents back and compare every cell.
"""

from __future__ import annotations

import html
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pipelines.read import template as t
from pipelines.read.report import Number, Report

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


# ---------------------------------------------------------------- a report in every format
#
# `layout()` lays a report out as the national template prints it (paragraphs and tables with
# merged cells), optionally with the damage real documents show; the writers below turn one
# layout into text, HTML, PDF, DOCX or .doc, so every format carries the same cells.


@dataclass
class Table:
    rows: list[list[str]]  # the text of a merged cell sits at its first position, "" elsewhere
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    widths: list[float] = field(default_factory=list)  # PDF column widths, points
    page_break_after: int | None = None  # PDF: the rows before it end a page


@dataclass
class Layout:
    title: list[str]  # centred lines at the top
    blocks: list[str | Table]  # a str is a paragraph; "\n" inside a cell is a line break
    closing: list[str] = field(default_factory=list)  # the signature: body, date (right)
    published_on: str | None = None  # ISO date: HTML pages state it in a meta tag


@dataclass(frozen=True)
class Damage:
    """How a printed report departs from its template (issue #3, point 2)."""

    omit: frozenset[str] = frozenset()  # section-二 items or section-三 rows not printed
    merge: tuple[str, str] | None = None  # two section-三 rows printed as one (first's numbers)
    labels: str = "template"  # template, abbreviated, misspelled, split, vertical
    blanks: Mapping[str, str] = field(default_factory=dict)  # contract path -> blank printed
    digits: str = "ascii"  # ascii, thousands (1,234), fullwidth (１２３４), units (12件)
    unit_10k: bool = False  # 2019 procurement amount printed in 万元, not 元


# Real abbreviations and typos; each keeps what identifies its row (label or position).
ABBREVIATED = {
    "new_received": "本年新收申请数量",
    "carried_over": "上年结转申请数量",
    "partially_granted": "部分公开",
    "denied_prohibited_by_law": "其他法律法规禁止公开",
    "denied_security_stability": "危及三安全一稳定",
    "denied_third_party_rights": "第三方合法权益",
    "denied_internal_affairs": "三类内部事务",
    "denied_process_information": "四类过程性信息",
    "unavailable_not_held": "不掌握相关信息",
    "unavailable_needs_creation": "需另行制作",
    "unavailable_unclear_after_correction": "补正后仍不明确",
    "not_processed_petition_complaint": "信访举报投诉类",
    "not_processed_publication": "要求提供出版物",
    "not_processed_mass_repeated": "无正当理由大量反复申请",
    "not_processed_confirmation": "要求确认或重新出具信息",
    "other_overdue_correction": "逾期不补正",
    "other_overdue_fee": "逾期未按收费通知缴纳费用",
    "carried_forward": "结转下年度继续办理",
    "normative_documents": "规范性文件",
    "administrative_fees": "行政事业性收费",
}
MISSPELLED = {
    "new_received": "一、本年新收政府信息公开申清数量",
    "denied_state_secret": "属于国家秘蜜",  # no keyword left: read by position
    "denied_third_party_rights": "保护第三方合法全益",
    "not_processed_repeated": "重复申情",  # no keyword left: read by position
    "unavailable_unclear_after_correction": "补正后申请内容仍不名确",
    "carried_forward": "四、结转下年度继续办里",
}
_BODY = (
    "本年度，本机关坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国"
    "政府信息公开条例》，围绕中心工作，加大主动公开力度，依法办理政府信息公开申请，"
    "加强政府信息管理和平台建设，全年各项工作有序推进。"
)
_NUMBERING_2019 = ("（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）")
_FULLWIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


def _printed(value: Number | None, damage: Damage, path: str) -> str:
    if path in damage.blanks:
        return damage.blanks[path]
    if value is None:
        return ""
    text = f"{value:,}" if damage.digits == "thousands" else str(value)
    if damage.digits == "units" and isinstance(value, int):
        return f"{text}件"
    return text.translate(_FULLWIDTH) if damage.digits == "fullwidth" else text


def _label(key: str, label: str, damage: Damage) -> str:
    if damage.labels == "abbreviated":
        return ABBREVIATED.get(key, label)
    if damage.labels == "misspelled":
        return MISSPELLED.get(key, label)
    if damage.labels == "split" and len(label) > 5:
        return label[: len(label) // 2] + "\n" + label[len(label) // 2 :]
    return label


def layout(report: Report, damage: Damage = Damage(), *, published_on: str | None = None) -> Layout:
    blocks: list[str | Table] = [
        "本报告根据《中华人民共和国政府信息公开条例》编制。",
        "一、总体情况",
        _BODY,
        t.SECTIONS["proactive"],
        _proactive_table(report, damage),
        t.SECTIONS["applications"],
        _applications_table(report, damage),
        t.SECTIONS["reviews_litigation"],
        _reviews_table(report, damage),
        "五、存在的主要问题及改进情况",
        _BODY,
        "六、其他需要报告的事项",
        "无。",
    ]
    closing = [report.agency or ""]
    if published_on:
        y, m, d = (int(x) for x in published_on.split("-"))
        closing.append(f"{y}年{m}月{d}日")
    title = [report.agency or "", f"{report.year}年度政府信息公开工作年度报告"]
    return Layout(title, blocks, closing, published_on)


def _proactive_table(report: Report, damage: Damage) -> Table:
    rows: list[list[str]] = []
    spans: list[tuple[int, int, int, int]] = []

    def add(cells: list[str]) -> None:
        if len(cells) < 4:  # the last cell runs to the table's right edge
            spans.append((len(rows), len(cells) - 1, len(rows), 3))
        rows.append(cells + [""] * (4 - len(cells)))

    previous: tuple[str, tuple[str, ...]] | None = None
    for item in t.items_for(report.template):
        if item.key in damage.omit:
            continue
        if (item.article, item.measures) != previous:
            previous = (item.article, item.measures)
            add([item.article])
            labels = [t.MEASURE_LABELS[m] for m in item.measures]
            if "procurement_amount_yuan" in item.measures and damage.unit_10k:
                labels[-1] = "采购总金额（万元）"
            add(["信息内容", *labels])
        values = []
        for m in item.measures:
            value = report.proactive[item.key][m]
            if m == "procurement_amount_yuan" and damage.unit_10k and value is not None:
                value = in_10k(value)
            values.append(_printed(value, damage, f"proactive.{item.key}.{m}"))
        add([_label(item.key, item.label, damage), *values])
    return Table(rows, spans, [150, 115, 115, 115])


def in_10k(value: Number) -> Number:
    """An amount in 元 as printed in 万元."""
    from decimal import Decimal

    amount = Decimal(str(value)) / 10_000
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _application_rows(report: Report) -> list[tuple[str, str, str]]:
    """(key, sub-group label, row label) of each printed section-三 row, numbered as the
    report's template numbers them."""
    keys = list(report.applications)
    top = [f"{n}." for n in range(1, 8)] if report.template == "2021" else list(_NUMBERING_2019)
    sub = (lambda n: _CIRCLED[n]) if report.template == "2021" else (lambda n: f"{n + 1}.")
    out = []
    counters: dict[str, int] = {}
    groups = ["不予公开", "无法提供", "不予处理", "其他处理"]
    for key in keys:
        row = next(r for r in t.ALL_APPLICATION_ROWS if r.key == key)
        if key in ("new_received", "carried_over", "carried_forward"):
            out.append((key, "", row.label))
        elif key == "granted":
            out.append((key, top[0] + row.label, ""))
        elif key == "partially_granted":
            out.append((key, top[1] + row.label, ""))
        elif key == "total_handled":
            out.append((key, top[6] + "总计", ""))
        elif key == "other_processing":
            out.append((key, top[5] + "其他处理", ""))
        else:
            n = counters.get(row.group, 0)
            counters[row.group] = n + 1
            group = top[2 + groups.index(row.group)] + row.group
            out.append((key, group, sub(n) + row.label))
    return out


def _applications_table(report: Report, damage: Damage) -> Table:
    rows = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", ""]
        + ["申请人情况"]
        + [""] * 6,
        ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", "", "", *(t.APPLICANTS[a] for a in t.APPLICANT_PARTS[1:]), ""],
    ]
    spans = [(0, 0, 2, 2), (0, 3, 0, 9), (1, 3, 2, 3), (1, 4, 1, 8), (1, 9, 2, 9)]
    printed = [r for r in _application_rows(report) if r[0] not in damage.omit]
    if damage.merge:
        first, second = damage.merge
        label = {k: lab for k, _, lab in printed}
        printed = [
            (k, g, lab + "、" + label[second] if k == first else lab)
            for k, g, lab in printed
            if k != second
        ]
    group_rows: dict[str, list[int]] = {}
    result_rows: list[int] = []
    for key, group, label in printed:
        r = len(rows)
        cells = report.applications[key]
        values = [_printed(cells[a], damage, f"applications.{key}.{a}") for a in t.APPLICANTS]
        if not group:  # a row of its own: 一、二、四
            spans.append((r, 0, r, 2))
            rows.append([_label(key, label, damage), "", "", *values])
            continue
        result_rows.append(r)
        if not label:  # 予以公开, 部分公开, 总计, a single 其他处理 row
            spans.append((r, 1, r, 2))
            rows.append(["", _label(key, group, damage), "", *values])
            continue
        group_rows.setdefault(group, []).append(r)
        rows.append(["", "", _label(key, label, damage), *values])
    vertical = damage.labels == "vertical"
    for group, members in group_rows.items():
        text = "\n".join(group) if vertical else group
        rows[members[0]][1] = text
        if len(members) > 1:
            spans.append((members[0], 1, members[-1], 1))
    if result_rows:
        head = "三、本年度办理结果"
        rows[result_rows[0]][0] = "\n".join(head) if vertical else head
        spans.append((result_rows[0], 0, result_rows[-1], 0))
    return Table(rows, spans, [28, 62, 130] + [40] * 7)


def _reviews_table(report: Report, damage: Damage) -> Table:
    outcomes = list(t.OUTCOMES.values())
    values = [
        _printed(report.reviews_litigation[p][o], damage, f"reviews_litigation.{p}.{o}")
        for p in t.PROCEEDINGS
        for o in t.OUTCOMES
    ]
    rows = [
        ["行政复议"] + [""] * 4 + ["行政诉讼"] + [""] * 9,
        outcomes + ["未经复议直接起诉"] + [""] * 4 + ["复议后起诉"] + [""] * 4,
        [""] * 5 + outcomes * 2,
        values,
    ]
    spans = [(0, 0, 0, 4), (0, 5, 0, 14), (1, 5, 1, 9), (1, 10, 1, 14)]
    spans += [(1, c, 2, c) for c in range(5)]
    return Table(rows, spans, [33] * 15)


# ---------------------------------------------------------------- writers


def write_text(doc: Layout) -> bytes:
    """Tab-separated lines, as text extracted from a PDF: a merged cell's lines are spread over
    the rows it covers, a wrapped cell goes on in the lines after its row."""
    out = [*doc.title, ""]
    for block in doc.blocks:
        if isinstance(block, str):
            out += [block, ""]
            continue
        rows = [list(r) for r in block.rows]
        extra: dict[int, list[list[str]]] = {}
        for r0, c0, r1, _c1 in block.spans:
            lines = rows[r0][c0].split("\n")
            for i, r in enumerate(range(r0, r1 + 1)):
                rows[r][c0] = (
                    "".join(lines[i:]) if r == r1 else (lines[i] if i < len(lines) else "")
                )
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                head, *more = text.split("\n")
                row[c] = head
                for i, line in enumerate(more):
                    lines = extra.setdefault(r, [])
                    if len(lines) <= i:
                        lines.append([""] * len(row))
                    lines[i][c] = line
        for r, row in enumerate(rows):
            out.append("\t".join(row))
            out += ["\t".join(line) for line in extra.get(r, [])]
        out.append("")
    out += doc.closing
    return "\n".join(out).encode("utf-8")


def write_html(
    doc: Layout,
    *,
    encoding: str = "utf-8",
    charset: str | None = "utf-8",
    wrap: bool = False,
) -> bytes:
    """A portal page: real tables with rowspan/colspan; `wrap` puts the article in a layout
    table, as many portal systems do; `charset` None declares no encoding."""
    e = html.escape
    meta = f'<meta charset="{charset}">' if charset else ""
    if doc.published_on:
        meta += f'<meta name="PubDate" content="{doc.published_on}">'
    title = "".join(doc.title)
    parts = [f"<!DOCTYPE html><html><head>{meta}<title>{e(title)}</title></head><body>"]
    if wrap:
        parts.append("<table width='100%'><tr><td>导航</td></tr><tr><td>")
    parts.append(f"<h1>{e(title)}</h1>")
    for block in doc.blocks:
        if isinstance(block, str):
            parts.append(f"<p>{e(block)}</p>")
            continue
        covered = {
            (r, c)
            for r0, c0, r1, c1 in block.spans
            for r in range(r0, r1 + 1)
            for c in range(c0, c1 + 1)
            if (r, c) != (r0, c0)
        }
        origin = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in block.spans}
        parts.append("<table border='1'>")
        for r, row in enumerate(block.rows):
            cells = []
            for c, text in enumerate(row):
                if (r, c) in covered:
                    continue
                rs, cs = origin.get((r, c), (1, 1))
                attrs = (f" rowspan='{rs}'" if rs > 1 else "") + (
                    f" colspan='{cs}'" if cs > 1 else ""
                )
                body = "<br>".join(e(x) for x in text.split("\n")) or "&nbsp;"
                cells.append(f"<td{attrs}>{body}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    parts += [f"<p style='text-align:right'>{e(line)}</p>" for line in doc.closing]
    if wrap:
        parts.append("</td></tr></table>")
    parts.append("</body></html>")
    return "\n".join(parts).encode(encoding)


def write_pdf(
    doc: Layout, *, white_boxes: bool = False, ruled: bool = True, centred: bool = False
) -> bytes:
    """A PDF with ruled tables (reportlab, CID font STSong-Light: no font file needed);
    `ruled` False draws no lines, as word processors print borderless tables; `centred` sets
    every cell's text in its middle, across and down, as WPS tables often are."""
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, TableStyle
    from reportlab.platypus import Table as PdfTable

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=TA_CENTER)
    body = ParagraphStyle(
        "body", fontName=font, fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK"
    )
    cell = ParagraphStyle(
        "cell",
        fontName=font,
        fontSize=7,
        leading=9,
        wordWrap="CJK",
        alignment=TA_CENTER if centred else TA_LEFT,
    )
    right = ParagraphStyle("right", fontName=font, fontSize=12, leading=20, alignment=TA_RIGHT)

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph("<br/>".join(html.escape(x) for x in text.split("\n")), style)

    def table(spec: Table, rows: range) -> PdfTable:
        grid = [[para(spec.rows[r][c], cell) for c in range(len(spec.widths))] for r in rows]
        style: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE" if centred else "TOP")
        ]
        if ruled:
            style.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
        for r0, c0, r1, c1 in spec.spans:  # clipped to this page's part of the table
            top, bottom = max(r0, rows.start), min(r1, rows.stop - 1)
            if top <= bottom and (top, c0) != (bottom, c1):
                style.append(("SPAN", (c0, top - rows.start), (c1, bottom - rows.start)))
        return PdfTable(grid, colWidths=spec.widths, style=TableStyle(style))

    flowables: list[Any] = [para(line, title) for line in doc.title]
    for block in doc.blocks:
        if isinstance(block, str):
            flowables.append(para(block, body))
        elif block.page_break_after is None:
            flowables.append(table(block, range(len(block.rows))))
        else:
            flowables.append(table(block, range(block.page_break_after)))
            flowables.append(PageBreak())
            flowables.append(table(block, range(block.page_break_after, len(block.rows))))
    flowables += [para(line, right) for line in doc.closing]

    def boxes(canvas: Any, _: object) -> None:
        """Invisible boxes behind the text, as some word processors draw: no table."""
        canvas.setFillColorRGB(1, 1, 1)
        for i in range(6):
            canvas.rect(72, 600 + i * 28, 450, 28, stroke=0, fill=1)

    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=A4, topMargin=50, bottomMargin=50, invariant=1)
    if white_boxes:
        pdf.build(flowables, onFirstPage=boxes)
    else:
        pdf.build(flowables)
    return out.getvalue()


def write_docx(doc: Layout) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    word = Document()
    for line in doc.title:
        word.add_paragraph(line)
    for block in doc.blocks:
        if isinstance(block, str):
            word.add_paragraph(block)
            continue
        table = word.add_table(rows=len(block.rows), cols=len(block.widths))
        table.style = "Table Grid"
        for r, row in enumerate(block.rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        for r0, c0, r1, c1 in block.spans:
            text = block.rows[r0][c0]
            merged = table.cell(r0, c0).merge(table.cell(r1, c1))
            merged.text = text  # merging concatenates the covered cells' paragraphs
    for line in doc.closing:
        word.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def write_doc(doc: Layout) -> bytes:
    """Word 97 (.doc), converted from the DOCX by LibreOffice as a clerk's "save as" would."""
    from pipelines.read.readers.doc import convert

    return convert(write_docx(doc), ".docx", "doc:MS Word 97")
