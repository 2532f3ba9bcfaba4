"""Group `tables`: the published tables built from the readings, and coverage (which body has
no report for which year); checks against the Table Schemas and the template's arithmetic."""

from collections import Counter
from typing import Any

import dagster as dg

import schemas
from assets.metadata import md_table
from pipelines import run
from pipelines.read.rules import RULES
from pipelines.tables.rows import ReportInput, Rows

Tables = dict[str, Rows]


@dg.asset(
    group_name="tables",
    description="发布表：机关、报告（含读取状态）、三张统计表的长表、问题清单；列由 schemas/ 定义。"
    "Published tables built from the parsed reports; columns defined in schemas/.",
)
def report_tables(context: dg.AssetExecutionContext, parsed_reports: list[ReportInput]) -> Tables:
    tables = run.build_tables(parsed_reports)
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
                        schemas.label("reports", "status", r["status"]),
                        r["errors"],
                        r["warnings"],
                        r["status_reason"],
                    ]
                    for r in tables["reports"]
                ],
                limit=200,
            ),
            "错误与警告 errors and warnings": md_table(
                ["机关 body", "年度 year", "规则 rule", "说明 message"],
                [
                    [f["body_id"], f["year"], f["rule"], f["message"]]
                    for f in tables["findings"]
                    if f["severity"] != "info"
                ],
                limit=50,
            ),
        }
    )
    return tables


@dg.asset_check(
    asset=report_tables,
    blocking=True,
    description="发布表符合 schemas/ 中的 Table Schema（类型、必填、枚举、主键、外键）；不通过则不入库、不发布。"
    "Tables match their Table Schemas; blocks the warehouse and the release.",
)
def tables_match_schemas(report_tables: Tables) -> dg.AssetCheckResult:
    violations = run.check_tables(report_tables)
    return dg.AssetCheckResult(
        passed=not violations,
        severity=dg.AssetCheckSeverity.ERROR,
        description="；".join(str(v) for v in violations[:20]) or "全部符合",
        metadata={"违反约束数 violations": len(violations)},
    )


@dg.asset_check(
    asset=report_tables,
    description="登记表中的每份报告都已取得并读出。Every registered report was obtained and read.",
)
def every_report_read(report_tables: Tables) -> dg.AssetCheckResult:
    reports = report_tables["reports"]
    statuses = Counter(r["status"] for r in reports)
    bad = [
        f"{r['body_id']} {r['year']}：{r['status_reason']}"
        for r in reports
        if r["status"] != "parsed"
    ]
    return dg.AssetCheckResult(
        passed=not bad,
        severity=dg.AssetCheckSeverity.WARN,
        description="；".join(bad[:20]) or "全部读出",
        metadata={f"状态 {k}": v for k, v in sorted(statuses.items())},
    )


_RULE_CHECKS = [rule for rule in RULES if RULES[rule][0] != "info"]


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            f"rule_{rule}",
            asset="report_tables",
            description=f"勾稽/读取规则 {rule}：{RULES[rule][1]}",
        )
        for rule in _RULE_CHECKS
    ],
)
def consistency_rules(report_tables: Tables):  # type: ignore[no-untyped-def]
    """One result per rule: which reports break it. A warning about the documents, not a
    failure of the pipeline: the data is published with its findings."""
    by_rule: dict[str, list[str]] = {rule: [] for rule in _RULE_CHECKS}
    for f in report_tables["findings"]:
        if f["rule"] in by_rule:
            by_rule[f["rule"]].append(f"{f['body_id']} {f['year']}：{f['message']}")
    for rule, hits in by_rule.items():
        yield dg.AssetCheckResult(
            check_name=f"rule_{rule}",
            asset_key="report_tables",
            passed=not hits,
            severity=dg.AssetCheckSeverity.WARN,
            description="；".join(hits[:10]) or "没有报告违反此规则",
            metadata={"问题数 findings": len(hits)},
        )


# One mark per cell of the body × year matrix.
MARKS = {
    "received": "✓",
    "unreadable": "✗ 无法读取",
    "missing": "— 缺",
    "not_due": "… 未到期",
    "not_expected": "",
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
            mark = "" if r is None else MARKS[r["status"]]
            if r is not None and r["timeliness"] == "late":
                mark += f" 逾期{r['days_late']}天"
            line.append(mark)
        table.append(line)
    return ["机关 body", *map(str, years)], table


def _gap(r: dict[str, Any]) -> bool:
    return r["status"] in ("missing", "unreadable") or r["timeliness"] == "late"


@dg.asset(
    group_name="tables",
    description="报告覆盖情况：每个机关每个应报年度是否取得了报告、是否逾期（每年1月31日截止）；"
    "与 coverage 发布表相同。Coverage: which body has no report for which year, which was late.",
)
def coverage(context: dg.AssetExecutionContext, report_tables: Tables) -> Rows:
    rows = report_tables["coverage"]
    statuses = Counter(r["status"] for r in rows)
    header, table = matrix(rows)
    context.add_output_metadata(
        {
            **{
                schemas.label("coverage", "status", k): statuses.get(k, 0)
                for k in schemas.labels("coverage", "status")
            },
            "逾期 late": sum(r["timeliness"] == "late" for r in rows),
            "机关×年度 body × year": md_table(header, table, limit=200),
            "缺少和逾期 missing and late": md_table(
                ["机关 body", "年度 year", "状态 status", "逾期天数 days late", "备注 note"],
                [
                    [
                        r["body_id"],
                        r["year"],
                        schemas.label("coverage", "status", r["status"]),
                        r["days_late"],
                        r["note"],
                    ]
                    for r in rows
                    if _gap(r)
                ],
                limit=200,
            ),
        }
    )
    return rows


@dg.asset_check(
    asset=coverage,
    description="每个机关每个应报年度的报告都已取得，且没有逾期。Every due report was found, on time.",
)
def every_report_found(coverage: Rows) -> dg.AssetCheckResult:
    gaps = [
        f"{r['body_id']} {r['year']}：{'逾期' if r['timeliness'] == 'late' else r['status']}"
        for r in coverage
        if _gap(r)
    ]
    return dg.AssetCheckResult(
        passed=not gaps,
        severity=dg.AssetCheckSeverity.WARN,
        description="；".join(gaps[:20]) or "全部按时取得",
        metadata={"缺少或逾期 gaps": len(gaps)},
    )
