"""The template's own arithmetic (勾稽关系): findings about a report, never reasons to drop data.

Rule ids and severities are those of `shared/spec/report-template.md`. Blank cells count as 0
in the sums, as the spec says.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipelines.read import template as t
from pipelines.read.report import Finding, Report
from pipelines.read.values import BLANK_MARKERS

RULES: dict[str, tuple[str, str]] = {
    # id: (severity, Chinese name shown in the UI and the catalog)
    "T3_ROW_TOTAL": ("error", "申请表各行：总计等于各类申请人之和"),
    "T3_BALANCE": ("error", "申请表各列：新收+上年结转=办理结果总计+结转下年度"),
    "T3_OUTCOME_SUM": ("error", "申请表各列：办理结果总计等于各项结果之和"),
    "T4_TOTAL": ("error", "复议诉讼表：总计等于维持+纠正+其他+尚未审结"),
    "NON_NEGATIVE": ("error", "件数为非负整数"),
    "CROSS_YEAR_CARRY": ("warning", "本年上年结转等于上年结转下年度"),
    "CROSS_YEAR_IN_FORCE": ("warning", "现行有效件数=上年现行有效+本年制发−本年废止"),
    "COMPLETE": ("warning", "模板的每一行每一格都在文件中找到"),
    "BLANK_CELL": ("info", "空白单元格记为空值，计算时按0处理"),
    # Not in the national template: how this project read a document.
    "DERIVED": ("info", "文件缺少的单元格由总计为0推出"),
    "READ_BY_POSITION": ("info", "行名无法识别，按表中位置认定"),
    "UNIT_CONVERTED": ("warning", "单元格注明的单位与表头不同，按单元格的单位换算"),
    "UNIT_UNKNOWN": ("warning", "金额未注明单位（元或万元），需人工核对"),
    "UNIT_MISMATCH": ("error", "单元格的单位与本栏不符（如件数栏注明万元），记为空值"),
    "VALUE_OUT_OF_RANGE": ("error", "数值超出可发布的范围（位数过多），记为空值，原文保留"),
    "DIGITS_SPLIT": ("warning", "连在一起的数字按本行总计唯一拆分，需核对"),
    "DIGITS_RUN_TOGETHER": ("warning", "数字连在一起，无法唯一拆分，本行未采用"),
    "NARRATIVE_MISMATCH": (
        "warning",
        "正文所述数字（收到申请、办结、复议、诉讼件数）与统计表不一致",
    ),
    "SECTION_MISSING": ("error", "文件缺少整张统计表"),
    "METADATA_MISSING": ("warning", "标题中读不出机关名称或统计年度"),
    "METADATA_MISMATCH": ("warning", "文件中的机关或年度与登记表不一致"),
    "REPORT_CHANGED": ("warning", "报告发布后被修改"),
    "NOT_A_REPORT": ("error", "不是政府信息公开工作年度报告"),
    "EMPTY_FILE": ("error", "空文件"),
    "NOT_A_DOCUMENT": ("error", "不是文档文件"),
    "UNSUPPORTED_FORMAT": ("error", "暂不支持的文件格式"),
    "UNREADABLE_DOCUMENT": ("error", "文件损坏、加密或文字无法解码"),
    "SCANNED_DOCUMENT": ("error", "扫描件没有文字层，无法OCR识别"),
    "OCR_DERIVED": ("warning", "数字由OCR从扫描图像识别，需人工核对"),
    "OCR_CHECK_FAILED": ("error", "OCR识别的数字未通过勾稽校验"),
    "OCR_UNCHECKED": ("warning", "OCR识别的数字没有勾稽关系可以校验（主动公开表），需人工核对"),
    "OCR_LOW_CONFIDENCE": ("warning", "OCR识别置信度低的数字，需人工核对"),
    "TABLE_LAYOUT": ("warning", "表格没有框线，无法可靠地按列读取"),
    "LIMIT_EXCEEDED": ("error", "文件超出处理上限（大小、页数、表格规模、用时或内存），未读取"),
    "SOURCE_UNAVAILABLE": ("error", "取不到文件"),
    "PARSER_ERROR": ("error", "解析器内部错误"),
    # The data office's corrections (pipelines.tables.corrections), applied after reading.
    "CORRECTED": ("info", "数据办更正了单元格的值（原文保留）"),
    "CORRECTION_STALE": (
        "warning",
        "数据办的更正对不上单元格（报告已重新发布或已没有这一格），未采用",
    ),
}


def _v(x: int | float | None) -> int | float:
    return 0 if x is None else x


def check_report(report: Report) -> list[Finding]:
    """Every single-report rule; cross-year rules are in `check_years`."""
    return [*check_arithmetic(report), *_completeness(report)]


def check_arithmetic(report: Report) -> list[Finding]:
    """The template's sums within one report (blank cells count as 0)."""
    return [
        *_row_totals(report),
        *_balance(report),
        *_outcome_sum(report),
        *_review_totals(report),
    ]


def _row_totals(report: Report) -> Iterable[Finding]:
    labels = {r.key: r.label for r in t.ALL_APPLICATION_ROWS}
    for key, cells in report.applications.items():
        parts = sum(_v(cells[a]) for a in t.APPLICANT_PARTS)
        if _v(cells["total"]) != parts:
            yield Finding(
                "T3_ROW_TOTAL",
                "error",
                f"申请表「{labels[key]}」行：总计为{_v(cells['total'])}，各类申请人之和为{parts}",
                [f"applications.{key}.{a}" for a in t.APPLICANTS],
            )


def _balance(report: Report) -> Iterable[Finding]:
    a = report.applications
    for col, label in t.APPLICANTS.items():
        left = _v(a["new_received"][col]) + _v(a["carried_over"][col])
        right = _v(a["total_handled"][col]) + _v(a["carried_forward"][col])
        if left != right:
            yield Finding(
                "T3_BALANCE",
                "error",
                f"申请表「{label}」列：本年新收+上年结转={left}，办理结果总计+结转下年度={right}，两者不等",
                [
                    f"applications.{r}.{col}"
                    for r in ("new_received", "carried_over", "total_handled", "carried_forward")
                ],
            )


def _outcome_sum(report: Report) -> Iterable[Finding]:
    a = report.applications
    outcome_rows = [r.key for r in t.ALL_APPLICATION_ROWS if r.is_outcome and r.key in a]
    for col, label in t.APPLICANTS.items():
        total = _v(a["total_handled"][col])
        parts = sum(_v(a[r][col]) for r in outcome_rows)
        if total != parts:
            yield Finding(
                "T3_OUTCOME_SUM",
                "error",
                f"申请表「{label}」列：办理结果总计为{total}，各项办理结果之和为{parts}",
                [f"applications.{r}.{col}" for r in [*outcome_rows, "total_handled"]],
            )


def _review_totals(report: Report) -> Iterable[Finding]:
    for proceeding, label in t.PROCEEDINGS.items():
        cells = report.reviews_litigation[proceeding]
        parts = sum(_v(cells[o]) for o in t.OUTCOME_PARTS)
        if _v(cells["total"]) != parts:
            yield Finding(
                "T4_TOTAL",
                "error",
                f"复议诉讼表「{label}」：总计为{_v(cells['total'])}，维持+纠正+其他+尚未审结={parts}",
                [f"reviews_litigation.{proceeding}.{o}" for o in t.OUTCOMES],
            )


def contract_paths(report: Report) -> list[str]:
    """Every cell path of the report's template, in contract order."""
    return [
        f"{section}.{row}.{col}"
        for section in ("proactive", "applications", "reviews_litigation")
        for row, cols in getattr(report, section).items()
        for col in cols
    ]


def _completeness(report: Report) -> Iterable[Finding]:
    paths = contract_paths(report)
    missing = [p for p in paths if p not in report.locations]
    blank = [p for p in paths if p in report.printed and report.printed[p] in BLANK_MARKERS]
    if missing:
        yield Finding(
            "COMPLETE",
            "warning",
            f"模板中有{len(missing)}个单元格未在文件中找到，记为空值",
            missing,
        )
    if blank:
        yield Finding(
            "BLANK_CELL",
            "info",
            f"文件中有{len(blank)}个单元格为空白（或印为–、/、无），记为空值，计算时按0处理",
            blank,
        )


def check_years(previous: Report, current: Report) -> list[Finding]:
    """Rules between a body's consecutive years (`previous.year + 1 == current.year`)."""
    findings: list[Finding] = []
    for col, label in t.APPLICANTS.items():
        carried = current.applications["carried_over"][col]
        forward = previous.applications["carried_forward"][col]
        if carried is not None and forward is not None and carried != forward:
            findings.append(
                Finding(
                    "CROSS_YEAR_CARRY",
                    "warning",
                    f"「{label}」列：本年上年结转为{carried}，{previous.year}年报告的结转下年度为{forward}",
                    [f"applications.carried_over.{col}"],
                )
            )
    if current.template == "2021" and previous.template == "2021":
        for item in ("regulations", "normative_documents"):
            now, before = current.proactive[item], previous.proactive[item]
            if now["in_force"] is None or before["in_force"] is None:
                continue
            expected = before["in_force"] + _v(now["issued"]) - _v(now["repealed"])
            if now["in_force"] != expected:
                findings.append(
                    Finding(
                        "CROSS_YEAR_IN_FORCE",
                        "warning",
                        f"「{item_label(item)}」现行有效件数为{now['in_force']}，"
                        f"按上年{before['in_force']}+本年制发−本年废止应为{expected}",
                        [f"proactive.{item}.in_force"],
                    )
                )
    return findings


def item_label(key: str) -> str:
    return next(i.label for tid in t.TEMPLATE_IDS for i in t.ITEMS[tid] if i.key == key)
