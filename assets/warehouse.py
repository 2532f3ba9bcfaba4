"""Group `warehouse`: the DuckDB file, kept up to date from the partitions; the checks of what
the data office reads there (schemas across partitions, every report read, the template's
arithmetic, coverage)."""

from typing import Any

import dagster as dg

import schemas
from assets.metadata import listed, md_table, yes_no
from assets.read import reports
from assets.resources import XxgkPaths
from pipelines import run
from pipelines.datadir import Busy
from pipelines.read.rules import RULES


@dg.asset(
    group_name="warehouse",
    deps=[reports],
    pool="warehouse",  # one writer of the DuckDB file, whatever runs at once
    description="DuckDB 数据仓库：只重新载入有变化的分区，加上机关表和跨年度核对，建立跨机关汇总模型"
    "（warehouse/models/*.sql）；报告覆盖情况（每个机关每个应报年度是否取得了报告、是否逾期）。"
    "DuckDB warehouse updated from the changed partitions, with cross-agency SQL models; coverage.",
)
def warehouse(context: dg.AssetExecutionContext, paths: XxgkPaths) -> dg.MaterializeResult:
    s = paths.settings()
    try:
        update = run.update_warehouse(s)
    except Busy as busy:
        raise dg.Failure(str(busy)) from None  # another run writes the warehouse
    counts = {(r["of"], r["status"]): r["n"] for r in run.query(s, "status_counts")}
    cover = schemas.labels("coverage", "status")
    return dg.MaterializeResult(
        metadata={
            "DuckDB 文件 file": str(s.data.warehouse),
            "重新载入的分区 partitions loaded now": len(update.changed),
            "删除的分区 partitions removed": len(update.removed),
            "重建 rebuilt": yes_no(update.rebuilt),
            **{
                f"行数 rows: {schemas.load(k)['title']}": update.counts[k]
                for k in schemas.published_tables()
                if k in update.counts
            },
            **{f"覆盖 {label} {k}": counts.get(("coverage", k), 0) for k, label in cover.items()},
            "逾期 late": counts.get(("coverage", "late"), 0),
            "报告发布后被修改 changed after publication": counts.get(("coverage", "changed"), 0),
            "机关×年度 body × year": _matrix(run.query(s, "coverage_matrix", {"limit": 100})),
            "缺少和逾期 missing and late": md_table(
                ["机关 body", "年度 year", "状态 status", "逾期天数 days late", "备注 note"],
                [
                    [
                        r["name"],
                        r["year"],
                        schemas.label("coverage", "status", r["status"]),
                        r["days_late"],
                        r["note"],
                    ]
                    for r in run.query(s, "coverage_gaps", {"limit": 200})
                ],
                limit=200,
            ),
        }
    )


# One mark per cell of the body × year matrix.
MARKS = {
    "received": "✓",
    "unreadable": "✗ 无法读取",
    "missing": "— 缺",
    "not_due": "… 未到期",
    "not_expected": "",
}


def _matrix(rows: list[dict[str, Any]]) -> dg.MetadataValue:
    years = sorted({r["year"] for r in rows})
    cells: dict[str, dict[int, str]] = {}
    for r in rows:
        mark = MARKS[r["status"]]
        if r["timeliness"] == "late":
            mark += f" 逾期{r['days_late']}天"
        cells.setdefault(r["name"] or r["body_id"], {})[r["year"]] = mark
    table = [[body, *(marks.get(y, "") for y in years)] for body, marks in cells.items()]
    return md_table(["机关 body", *map(str, years)], table, limit=200)


@dg.asset_check(
    asset=warehouse,
    blocking=True,
    description="数据仓库的每张发布表符合 Table Schema：跨分区的主键唯一、外键有对应、类型和约束；"
    "不通过则不发布。Every table across partitions matches its schema; blocks the release.",
)
def tables_match_schemas(paths: XxgkPaths) -> dg.AssetCheckResult:
    violations = run.check_warehouse(paths.settings())
    return dg.AssetCheckResult(
        passed=not violations,
        severity=dg.AssetCheckSeverity.ERROR,
        description=listed(violations, "全部符合"),
        metadata={"违反约束数 violations": len(violations)},
    )


@dg.asset_check(
    asset=warehouse,
    description="登记表中的每份报告都已取得并读出。Every registered report was obtained and read.",
)
def every_report_read(paths: XxgkPaths) -> dg.AssetCheckResult:
    s = paths.settings()
    counts = {r["status"]: r["n"] for r in run.query(s, "status_counts") if r["of"] == "reports"}
    bad = [
        f"{r['name']} {r['year']}：{r['status_reason']}"
        for r in run.query(s, "report_status", {"limit": 20})
        if r["status"] != "parsed"
    ]
    return dg.AssetCheckResult(
        passed=not bad,
        severity=dg.AssetCheckSeverity.WARN,
        description=listed(bad, "全部读出"),
        metadata={
            f"状态 {schemas.label('reports', 'status', k)}": v for k, v in sorted(counts.items())
        },
    )


_RULE_CHECKS = [rule for rule in RULES if RULES[rule][0] != "info"]


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            f"rule_{rule}", asset="warehouse", description=f"勾稽/读取规则 {rule}：{RULES[rule][1]}"
        )
        for rule in _RULE_CHECKS
    ],
)
def consistency_rules(paths: XxgkPaths):  # type: ignore[no-untyped-def]
    """One result per rule: which reports break it. A warning about the documents, not a
    failure of the pipeline: the data is published with its findings."""
    by_rule = {r["rule"]: r for r in run.query(paths.settings(), "findings_by_rule", {"shown": 10})}
    for rule in _RULE_CHECKS:
        hit = by_rule.get(rule)
        yield dg.AssetCheckResult(
            check_name=f"rule_{rule}",
            asset_key="warehouse",
            passed=hit is None,
            severity=dg.AssetCheckSeverity.WARN,
            description=listed(hit["shown"] if hit else [], "没有报告违反此规则", limit=10),
            metadata={"问题数 findings": hit["n"] if hit else 0},
        )


@dg.asset_check(
    asset=warehouse,
    description="每个机关每个应报年度的报告都已取得，且没有逾期。Every due report was found, on time.",
)
def every_report_found(paths: XxgkPaths) -> dg.AssetCheckResult:
    gaps = run.query(paths.settings(), "coverage_gaps", {"limit": 1_000_000})
    shown = [
        f"{r['name']} {r['year']}：{'逾期' if r['timeliness'] == 'late' else schemas.labels('coverage', 'status')[r['status']]}"
        for r in gaps[:20]
    ]
    return dg.AssetCheckResult(
        passed=not gaps,
        severity=dg.AssetCheckSeverity.WARN,
        description=listed(shown, "全部按时取得"),
        metadata={"缺少或逾期 gaps": len(gaps)},
    )
