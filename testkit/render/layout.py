"""A report laid out as the national template prints it, with the damage real documents show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pipelines.read import template as t
from pipelines.read.report import Number, Report

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


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
    # Money printed with its unit inside the cell ("in-cell": the 2019 procurement amount in
    # 万元 under a 元 header, 2021 fees 万元 under a 万元 header) or with no unit in the cell
    # nor the header ("unstated": 采购总金额 as the 2019 template prints it).
    money_unit: str = ""
    # Section 一 states the year's figures in words: "agrees" with the tables, or "differs"
    # (the new applications stated 3 more than the table prints).
    narrative: str = ""


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


def layout(
    report: Report,
    damage: Damage = Damage(),
    *,
    published_on: str | None = None,
    prose: tuple[str, str] = (_BODY, _BODY),
) -> Layout:
    """`prose`: the text of sections 一 and 五 (a year's own words, or last year's copied)."""
    blocks: list[str | Table] = [
        "本报告根据《中华人民共和国政府信息公开条例》编制。",
        "一、总体情况",
        prose[0],
        *_narrative(report, damage),
        t.SECTIONS["proactive"],
        _proactive_table(report, damage),
        t.SECTIONS["applications"],
        _applications_table(report, damage),
        t.SECTIONS["reviews_litigation"],
        _reviews_table(report, damage),
        "五、存在的主要问题及改进情况",
        prose[1],
        "六、其他需要报告的事项",
        "无。",
    ]
    closing = [report.agency or ""]
    if published_on:
        y, m, d = (int(x) for x in published_on.split("-"))
        closing.append(f"{y}年{m}月{d}日")
    title = [report.agency or "", f"{report.year}年度政府信息公开工作年度报告"]
    return Layout(title, blocks, closing, published_on)


def _narrative(report: Report, damage: Damage) -> list[str]:
    if not damage.narrative:
        return []
    a, r = report.applications, report.reviews_litigation
    received = int(a["new_received"]["total"] or 0) + (3 if damage.narrative == "differs" else 0)
    sued = sum(
        int(r[p]["total"] or 0) for p in ("litigation_without_review", "litigation_after_review")
    )
    return [
        f"本年度共受理政府信息公开申请{received}件，答复{a['total_handled']['total']}件，"
        f"均在法定期限内予以答复。因政府信息公开工作被申请行政复议"
        f"{r['administrative_review']['total']}件，提起行政诉讼{sued}件。"
    ]


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
            elif "procurement_amount_yuan" in item.measures and damage.money_unit == "unstated":
                labels[-1] = "采购总金额"
            add(["信息内容", *labels])
        values = []
        for m in item.measures:
            value = report.proactive[item.key][m]
            if m == "procurement_amount_yuan" and damage.unit_10k and value is not None:
                value = in_10k(value)
            text = _printed(value, damage, f"proactive.{item.key}.{m}")
            if m in t.MONEY_UNITS and value is not None and damage.money_unit == "in-cell":
                text = f"{in_10k(value) if t.MONEY_UNITS[m] == '元' else value}万元"
            values.append(text)
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
