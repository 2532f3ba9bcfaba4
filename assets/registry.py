"""Group `registry`: the registry of bodies, checked row by row; its partitions."""

import dagster as dg

from assets import partitions
from assets.metadata import NONE, listed, md_or_none, md_table
from assets.resources import XxgkPaths
from pipelines import run
from pipelines.registry import partitions as scheme


@dg.asset(
    group_name="registry",
    description="机关登记表（CSV 或 Excel）：每个机关、每年的报告在哪里，或机关的年报栏目；"
    "按 Table Schema 和行政区划代码表（GB/T 2260）逐行检查；按「年度-行政区划」分区。"
    "Registry of bodies, validated against its Table Schema and the GB/T 2260 division codes; "
    "its year × division partitions.",
)
def registry(context: dg.AssetExecutionContext, paths: XxgkPaths) -> dg.MaterializeResult:
    s = paths.settings()
    facts = run.registry(s)
    added, removed = partitions.sync(context.instance, facts.partitions)
    bodies = run.bodies_overview(s, limit=100)
    return dg.MaterializeResult(
        metadata={
            "登记表 registry": facts.path,
            "sha256": facts.sha256,
            "机关数 bodies": facts.bodies,
            "应有报告数 reports expected": facts.entries,
            "分区数 partitions": len(facts.partitions),
            "新增分区 partitions added": _keys(added),
            "删除分区 partitions removed": _keys(removed),
            "问题 problems": md_or_none(["问题 problem"], [[p] for p in facts.problems]),
            "提醒 warnings": md_or_none(["提醒 warning"], [[w] for w in facts.warnings]),
            "机关 bodies list": md_table(
                [
                    "机关 body",
                    "编号 id",
                    "行政区划（分区键的后半）division (partition key: year-code)",
                    "曾用名 aliases",
                    "存续 active",
                    "年报栏目 listing",
                ],
                [
                    [
                        b.name,
                        b.body_id,
                        f"{b.region_name} {b.region_code}",
                        "；".join(b.aliases),
                        _active(b),
                        b.listing_url,
                    ]
                    for b in bodies
                ],
                limit=100,
            ),
        }
    )


def _active(b) -> str:  # type: ignore[no-untyped-def]
    return f"{b.active_from or ''}–{b.active_to or ''}"


def _keys(keys: list[str]) -> str:
    shown = "、".join(f"{k}（{scheme.label(k)}）" for k in keys[:20])
    return (shown + (f" …共{len(keys)}个" if len(keys) > 20 else "")) or NONE


@dg.asset_check(
    asset=registry,
    description="登记表每一行都符合其 Table Schema（行号见说明）。Every registry row is valid.",
)
def registry_rows_valid(paths: XxgkPaths) -> dg.AssetCheckResult:
    facts = run.registry(paths.settings())
    return dg.AssetCheckResult(
        passed=not facts.problems,
        severity=dg.AssetCheckSeverity.ERROR,
        description=listed(facts.problems or facts.warnings, "登记表无问题"),
        metadata={"问题数 problems": len(facts.problems), "提醒数 warnings": len(facts.warnings)},
    )
