"""The national report template: canonical keys, labels and how rows are recognised.

The keys are the public data contract (`shared/spec/report-template.md`): published columns,
row keys and the `parse --json` shape use them. Labels are what the template prints; the
`keywords` are phrases distinctive enough to recognise a row when real documents abbreviate,
split or reword its label.
"""

from __future__ import annotations

from dataclasses import dataclass

TEMPLATE_IDS = ("2021", "2019")


@dataclass(frozen=True)
class Item:
    """A row of section 二 (proactive disclosure) with the measures printed for it."""

    key: str
    label: str
    article: str
    measures: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class ApplicationRow:
    """A row of the section 三 matrix."""

    key: str
    label: str
    group: str
    keywords: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()  # labels too generic for keywords: must equal the cell text
    is_outcome: bool = False  # counted in `total_handled` (rule T3_OUTCOME_SUM)


MEASURE_LABELS: dict[str, str] = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_10k_yuan": "本年收费金额（单位：万元）",
    "newly_made": "本年新制作数量",
    "newly_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "previous_year_items": "上一年项目数量",
    "change": "本年增/减",
    "procurement_items": "采购项目数量",
    "procurement_amount_yuan": "采购总金额（元）",
}

# Measures that hold money, with the unit they are stored in; every other measure is a count.
MONEY_UNITS = {"amount_10k_yuan": "万元", "procurement_amount_yuan": "元"}
# The unit the national template itself prints for a money column. The 2019 template prints
# 采购总金额 with no unit: reports fill it in 元 or 万元, so where neither the cell nor the
# header says which, the amount cannot be decided.
TEMPLATE_UNITS = {"amount_10k_yuan": "万元"}
# The largest value (in absolute terms) a cell may publish: more than any body counts or spends,
# and still exact as int64 and as float64 (< 2**53), the published columns' types. A longer number
# (a typo, a run of digits, a hostile file) is withheld with a finding, never an exception.
LARGEST_VALUE = 10**15
# Measures that may be negative; every other measure is non-negative.
SIGNED_MEASURES = frozenset({"change"})

_THREE = ("issued", "repealed", "in_force")
_THREE_2019 = ("newly_made", "newly_published", "total_published")
_SERVICE_2019 = ("previous_year_items", "change", "decisions")

ITEMS: dict[str, tuple[Item, ...]] = {
    "2021": (
        Item("regulations", "规章", "第二十条第（一）项", _THREE, ("规章",)),
        Item(
            "normative_documents", "行政规范性文件", "第二十条第（一）项", _THREE, ("规范性文件",)
        ),
        Item(
            "administrative_licensing",
            "行政许可",
            "第二十条第（五）项",
            ("decisions",),
            ("行政许可",),
        ),
        Item(
            "administrative_penalty",
            "行政处罚",
            "第二十条第（六）项",
            ("decisions",),
            ("行政处罚",),
        ),
        Item(
            "administrative_coercion",
            "行政强制",
            "第二十条第（六）项",
            ("decisions",),
            ("行政强制",),
        ),
        Item(
            "administrative_fees",
            "行政事业性收费",
            "第二十条第（八）项",
            ("amount_10k_yuan",),
            ("事业性收费", "行政收费"),
        ),
    ),
    "2019": (
        Item("regulations", "规章", "第二十条第（一）项", _THREE_2019, ("规章",)),
        Item(
            "normative_documents", "规范性文件", "第二十条第（一）项", _THREE_2019, ("规范性文件",)
        ),
        Item(
            "administrative_licensing",
            "行政许可",
            "第二十条第（五）项",
            _SERVICE_2019,
            ("行政许可",),
        ),
        Item(
            "other_external_services",
            "其他对外管理服务事项",
            "第二十条第（五）项",
            _SERVICE_2019,
            ("对外管理服务",),
        ),
        Item(
            "administrative_penalty", "行政处罚", "第二十条第（六）项", _SERVICE_2019, ("行政处罚",)
        ),
        Item(
            "administrative_coercion",
            "行政强制",
            "第二十条第（六）项",
            _SERVICE_2019,
            ("行政强制",),
        ),
        Item(
            "administrative_fees",
            "行政事业性收费",
            "第二十条第（八）项",
            ("previous_year_items", "change"),
            ("事业性收费", "行政收费"),
        ),
        Item(
            "government_procurement",
            "政府集中采购",
            "第二十条第（九）项",
            ("procurement_items", "procurement_amount_yuan"),
            ("集中采购", "政府采购"),
        ),
    ),
}

APPLICANTS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "social_welfare_organization": "社会公益组织",
    "legal_service_agency": "法律服务机构",
    "other_organization": "其他",
    "total": "总计",
}
APPLICANT_PARTS = tuple(k for k in APPLICANTS if k != "total")

_D = "不予公开"
_U = "无法提供"
_N = "不予处理"
_O = "其他处理"
_R = "三、本年度办理结果"
RESULTS_GROUP = _R  # the group the kinds of outcome (不予公开 …) are printed under


def _outcome(key: str, label: str, group: str, *keywords: str, exact: tuple[str, ...] = ()):
    return ApplicationRow(key, label, group, keywords, exact, is_outcome=True)


_COMMON_HEAD = (
    ApplicationRow("new_received", "一、本年新收政府信息公开申请数量", "", ("本年新收", "新收")),
    ApplicationRow("carried_over", "二、上年结转政府信息公开申请数量", "", ("上年结转",)),
    _outcome("granted", "予以公开", _R, "予以公开"),
    _outcome(
        "partially_granted", "部分公开（区分处理的，只计这一情形，不计其他情形）", _R, "部分公开"
    ),
    _outcome("denied_state_secret", "属于国家秘密", _D, "国家秘密"),
    _outcome("denied_prohibited_by_law", "其他法律行政法规禁止公开", _D, "禁止公开", "法规禁止"),
    _outcome("denied_security_stability", "危及“三安全一稳定”", _D, "三安全", "一稳定", "危及"),
    _outcome("denied_third_party_rights", "保护第三方合法权益", _D, "第三方"),
    _outcome("denied_internal_affairs", "属于三类内部事务信息", _D, "内部事务"),
    _outcome("denied_process_information", "属于四类过程性信息", _D, "过程性"),
    _outcome("denied_enforcement_case_files", "属于行政执法案卷", _D, "执法案卷"),
    _outcome("denied_administrative_query", "属于行政查询事项", _D, "行政查询", "查询事项"),
    _outcome("unavailable_not_held", "本机关不掌握相关政府信息", _U, "不掌握", "本机关"),
    _outcome("unavailable_needs_creation", "没有现成信息需要另行制作", _U, "另行制作", "没有现成"),
    _outcome(
        "unavailable_unclear_after_correction", "补正后申请内容仍不明确", _U, "补正后", "仍不明确"
    ),
    _outcome("not_processed_petition_complaint", "信访举报投诉类申请", _N, "信访", "举报投诉"),
    _outcome("not_processed_repeated", "重复申请", _N, "重复申请"),
    _outcome("not_processed_publication", "要求提供公开出版物", _N, "出版物"),
    _outcome("not_processed_mass_repeated", "无正当理由大量反复申请", _N, "大量反复", "理由大量"),
    _outcome(
        "not_processed_confirmation",
        "要求行政机关确认或重新出具已获取信息",
        _N,
        "重新出具",
        "确认或重新",
        "已获取信息",
    ),
)
_SPLIT_OTHER = (
    _outcome(
        "other_overdue_correction",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        _O,
        "不补正",
    ),
    _outcome(
        "other_overdue_fee",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        _O,
        "缴纳费用",
        "收费通知",
    ),
    _outcome("other_other", "其他", _O, exact=("其他",)),
)
_SINGLE_OTHER = (_outcome("other_processing", "其他处理", _O, exact=("其他处理",)),)
_COMMON_TAIL = (
    ApplicationRow("total_handled", "总计", _R, exact=("总计", "合计", "小计")),
    ApplicationRow("carried_forward", "四、结转下年度继续办理", "", ("结转下年", "下年度继续")),
)

# The two shapes of section 三: `split` prints 其他处理 as three rows (2021 template),
# `single` as one row (2019 template, and some later reports that keep the old table).
APPLICATION_SHAPES: dict[str, tuple[ApplicationRow, ...]] = {
    "split": _COMMON_HEAD + _SPLIT_OTHER + _COMMON_TAIL,
    "single": _COMMON_HEAD + _SINGLE_OTHER + _COMMON_TAIL,
}
DEFAULT_SHAPE = {"2021": "split", "2019": "single"}
ALL_APPLICATION_ROWS: tuple[ApplicationRow, ...] = (
    _COMMON_HEAD + _SPLIT_OTHER + _SINGLE_OTHER + _COMMON_TAIL
)

PROCEEDINGS: dict[str, str] = {
    "administrative_review": "行政复议",
    "litigation_without_review": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}
OUTCOMES: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
OUTCOME_PARTS = tuple(k for k in OUTCOMES if k != "total")

SECTIONS: dict[str, str] = {
    "proactive": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "reviews_litigation": "四、政府信息公开行政复议、行政诉讼情况",
}


def items_for(template: str) -> tuple[Item, ...]:
    return ITEMS[template]


def application_rows(shape: str) -> tuple[ApplicationRow, ...]:
    return APPLICATION_SHAPES[shape]


def all_item_keys() -> list[str]:
    """Every section-二 item key of either template, in first-seen order."""
    return list(dict.fromkeys(i.key for t in TEMPLATE_IDS for i in ITEMS[t]))


def all_measure_keys() -> list[str]:
    return list(MEASURE_LABELS)
