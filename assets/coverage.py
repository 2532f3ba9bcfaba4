"""Coverage in the UI: which body has no report for which year, which came late."""

from collections import Counter
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext

from assets.metadata import md_table

Rows = list[dict[str, Any]]

# One mark per cell of the body × year matrix.
MARKS = {
    "received": "✓",
    "unreadable": "✗ 无法读取",
    "missing": "— 缺",
    "not_due": "… 未到期",
    "not_expected": "",
}
STATUS_LABELS = {
    "received": "已取得 received",
    "unreadable": "无法读取 unreadable",
    "missing": "缺少 missing",
    "not_due": "未到期 not due",
    "not_expected": "不存续 not expected",
}


def matrix(rows: Rows) -> tuple[list[str], list[list[Any]]]:
    years = sorted({r["year"] for r in rows})
    bodies = sorted({r["body_id"] for r in rows})
    cell = {(r["body_id"], r["year"]): r for r in rows}
    table = []
    for body in bodies:
        line: list[Any] = [body]
        for year in years:
            r = cell.get((body, year))
            if r is None:
                line.append("")
                continue
            mark = MARKS[r["status"]]
            if r["timeliness"] == "late":
                mark += f" 逾期{r['days_late']}天"
            line.append(mark)
        table.append(line)
    return ["机关 body", *map(str, years)], table


@dg.asset(
    group_name="tables",
    description="报告覆盖情况：每个机关每个应报年度是否取得了报告、是否逾期（每年1月31日截止）；"
    "与 coverage 发布表相同。Coverage: which body has no report for which year, which was late.",
)
def coverage(context: AssetExecutionContext, report_tables: dict[str, Rows]) -> Rows:
    rows = report_tables["coverage"]
    statuses = Counter(r["status"] for r in rows)
    late = [r for r in rows if r["timeliness"] == "late"]
    header, table = matrix(rows)
    context.add_output_metadata(
        {
            **{STATUS_LABELS[k]: statuses.get(k, 0) for k in STATUS_LABELS},
            "逾期 late": len(late),
            "机关×年度 body × year": md_table(header, table, limit=200),
            "缺少和逾期 missing and late": md_table(
                ["机关 body", "年度 year", "状态 status", "逾期天数 days late", "备注 note"],
                [
                    [r["body_id"], r["year"], STATUS_LABELS[r["status"]], r["days_late"], r["note"]]
                    for r in rows
                    if r["status"] in ("missing", "unreadable") or r["timeliness"] == "late"
                ],
                limit=200,
            ),
        }
    )
    return rows
