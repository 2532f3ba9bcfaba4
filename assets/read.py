"""Group `read`: every document read into the template's three tables and the partition's
published rows, partitioned by year and division (cached by sha256 and parser version)."""

import dagster as dg

import schemas
from assets.collect import documents
from assets.metadata import listed, md_table
from assets.partitions import BACKFILL, REPORTS
from assets.resources import XxgkPaths
from pipelines import run
from pipelines.read.document import PARSER_VERSION


@dg.asset(
    group_name="read",
    partitions_def=REPORTS,
    deps=[documents],
    backfill_policy=BACKFILL,
    description="解析结果和分区的发布表（按「年度-行政区划」分区）：读出每份报告的三张表、读取状态和问题清单；"
    "同一文件（sha256）同一解析器版本只解析一次，用上全部 CPU 核；文件没有变化的分区不再读取。"
    "Parsed reports and the partition's published rows; every core; unchanged partitions skipped.",
)
def reports(context: dg.AssetExecutionContext, paths: XxgkPaths) -> dg.MaterializeResult:
    s = paths.settings()
    reading = run.read(s, list(context.partition_keys))
    names = run.body_names(s)
    rows = [r for p in reading.partitions for r in p.reports]
    status = schemas.labels("reports", "status")
    return dg.MaterializeResult(
        metadata={
            "解析器版本 parser version": PARSER_VERSION,
            "分区 partitions": len(reading.partitions),
            "文件未变未读取 unchanged, not read": sum(p.skipped for p in reading.partitions),
            "新解析 parsed now": reading.read_now,
            "读取进程 reading processes": s.processes(),
            **{f"状态 {status[k]} {k}": sum(r["status"] == k for r in rows) for k in status},
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
                        names.get(r["body_id"], r["body_id"]),
                        r["year"],
                        status[r["status"]],
                        r["errors"],
                        r["warnings"],
                        r["status_reason"],
                    ]
                    for r in rows
                ],
                limit=200,
            ),
        }
    )


@dg.asset_check(
    asset=reports,
    blocking=True,
    description="分区的发布表符合 schemas/ 中的 Table Schema（类型、必填、枚举、主键）；不通过则不入库、不发布。"
    "The partition's rows match their Table Schemas; blocks the warehouse and the release.",
)
def rows_match_schemas(
    context: dg.AssetCheckExecutionContext, paths: XxgkPaths
) -> dg.AssetCheckResult:
    keys = list(context.op_execution_context.partition_keys)
    violations = run.check_partitions(paths.settings(), keys)
    return dg.AssetCheckResult(
        passed=not violations,
        severity=dg.AssetCheckSeverity.ERROR,
        description=listed(violations, "全部符合"),
        metadata={"分区 partitions": len(keys), "违反约束数 violations": len(violations)},
    )
