"""The published tables, built from the parsed reports."""

from typing import Any

import dagster as dg
from dagster import AssetExecutionContext

from assets.metadata import md_table
from pipelines.tables.rows import STATUS_LABELS, ReportInput, build


@dg.asset(
    group_name="tables",
    description="发布表：机关、报告（含读取状态）、三张统计表的长表、问题清单；列由 schemas/ 定义。"
    "Published tables built from the parsed reports; columns defined in schemas/.",
)
def report_tables(
    context: AssetExecutionContext, parsed_reports: list[ReportInput]
) -> dict[str, list[dict[str, Any]]]:
    tables = build(parsed_reports)
    reports = tables["reports"]
    findings = tables["findings"]
    context.add_output_metadata(
        {
            **{f"行数 rows: {name}": len(rows) for name, rows in tables.items()},
            "各报告状态 status of every report": md_table(
                [
                    "机关 body",
                    "年度 year",
                    "状态 status",
                    "错误 errors",
                    "警告 warnings",
                    "说明 reason",
                ],
                [
                    [
                        r["body_id"],
                        r["year"],
                        STATUS_LABELS[r["status"]],
                        r["errors"],
                        r["warnings"],
                        r["status_reason"],
                    ]
                    for r in reports
                ],
                limit=200,
            ),
            "错误与警告 errors and warnings": md_table(
                ["机关 body", "年度 year", "规则 rule", "说明 message"],
                [
                    [f["body_id"], f["year"], f["rule"], f["message"]]
                    for f in findings
                    if f["severity"] != "info"
                ],
                limit=50,
            ),
        }
    )
    return tables
