"""Group `registry`: the registry of bodies, checked row by row."""

import dagster as dg

from assets import partitions
from assets.metadata import md_or_none, md_table
from assets.resources import XxgkPaths
from pipelines import run
from pipelines.registry.model import Registry


@dg.asset(
    group_name="registry",
    description="机关登记表（CSV 或 Excel）：每个机关、每年的报告在哪里，或机关的年报栏目；"
    "按 Table Schema 和行政区划代码表（GB/T 2260）逐行检查。"
    "Registry of bodies, validated against its Table Schema and the GB/T 2260 division codes.",
)
def registry(context: dg.AssetExecutionContext, paths: XxgkPaths) -> Registry:
    reg = run.load_registry(paths.settings())
    added = partitions.add(context.instance, run.partition_keys(reg))
    bodies = reg.bodies()
    context.add_output_metadata(
        {
            "登记表 registry": reg.path,
            "sha256": reg.sha256,
            "机关数 bodies": len(bodies),
            "应有报告数 reports expected": sum(e.expected for e in reg.entries),
            "新增分区 partitions added": ", ".join(added) or "无 none",
            "问题 problems": md_or_none(["问题 problem"], [[p] for p in reg.problems]),
            "提醒 warnings": md_or_none(["提醒 warning"], [[w] for w in reg.warnings]),
            "机关 bodies list": md_table(
                ["机关 body", "名称 name", "曾用名 aliases", "存续 active", "年报栏目 listing"],
                [
                    [
                        b.body_id,
                        b.name,
                        "；".join(b.aliases),
                        f"{b.active_from or ''}–{b.active_to or ''}",
                        b.listing_url,
                    ]
                    for b in bodies.values()
                ],
                limit=100,
            ),
        }
    )
    return reg


@dg.asset_check(
    asset=registry,
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
