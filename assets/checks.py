"""Asset checks: the registry and the tables against their Table Schemas, every report read,
and one check per consistency rule (the governments' own arithmetic)."""

from collections import Counter
from typing import Any

import dagster as dg

from pipelines.collect.inbox import InboxFile
from pipelines.read.rules import RULES
from pipelines.registry.model import Registry
from warehouse.ddl import to_arrow
from warehouse.validate import validate_tables

Tables = dict[str, list[dict[str, Any]]]


@dg.asset_check(
    asset="registry",
    description="登记表每一行都符合其 Table Schema（行号见说明）。Every registry row is valid.",
)
def registry_rows_valid(registry: Registry) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=not registry.problems,
        severity=dg.AssetCheckSeverity.ERROR,
        description="；".join(registry.problems[:20] or registry.warnings[:20]) or "登记表无问题",
        metadata={
            "问题数 problems": len(registry.problems),
            "提醒数 warnings": len(registry.warnings),
        },
    )


@dg.asset_check(
    asset="report_tables",
    blocking=True,
    description="发布表符合 schemas/ 中的 Table Schema（类型、必填、枚举、主键、外键）；不通过则不入库、不发布。"
    "Tables match their Table Schemas; blocks the warehouse and the release.",
)
def tables_match_schemas(report_tables: Tables) -> dg.AssetCheckResult:
    violations = validate_tables({n: to_arrow(n, rows) for n, rows in report_tables.items()})
    return dg.AssetCheckResult(
        passed=not violations,
        severity=dg.AssetCheckSeverity.ERROR,
        description="；".join(str(v) for v in violations[:20]) or "全部符合",
        metadata={"违反约束数 violations": len(violations)},
    )


@dg.asset_check(
    asset="report_tables",
    description="登记表中的每份报告都已取得并读出。Every registered report was obtained and read.",
)
def every_report_read(report_tables: Tables) -> dg.AssetCheckResult:
    statuses = Counter(r["status"] for r in report_tables["reports"])
    bad = [
        f"{r['body_id']} {r['year']}：{r['status_reason']}"
        for r in report_tables["reports"]
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


@dg.asset_check(
    asset="inbox_files",
    description="收件箱中的每个文件都对应到了登记表中的机关和年度。Every inbox file was matched.",
)
def inbox_files_matched(inbox_files: list[InboxFile]) -> dg.AssetCheckResult:
    unmatched = [f"「{f.file}」：{f.reason}" for f in inbox_files if not f.matched]
    return dg.AssetCheckResult(
        passed=not unmatched,
        severity=dg.AssetCheckSeverity.WARN,
        description="；".join(unmatched[:20]) or "全部对应",
        metadata={"未对应 unmatched": len(unmatched)},
    )


@dg.asset_check(
    asset="coverage",
    description="每个机关每个应报年度的报告都已取得，且没有逾期。Every due report was found, on time.",
)
def every_report_found(coverage: list[dict[str, Any]]) -> dg.AssetCheckResult:
    gaps = [
        f"{r['body_id']} {r['year']}：{'逾期' if r['timeliness'] == 'late' else r['status']}"
        for r in coverage
        if r["status"] in ("missing", "unreadable") or r["timeliness"] == "late"
    ]
    return dg.AssetCheckResult(
        passed=not gaps,
        severity=dg.AssetCheckSeverity.WARN,
        description="；".join(gaps[:20]) or "全部按时取得",
        metadata={"缺少或逾期 gaps": len(gaps)},
    )
