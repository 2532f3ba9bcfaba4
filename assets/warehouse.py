"""Group `warehouse`: the DuckDB file with the published tables and the SQL models."""

import dagster as dg

from assets.resources import XxgkPaths
from assets.tables import Tables
from pipelines import run


@dg.asset(
    group_name="warehouse",
    description="DuckDB 数据仓库：载入发布表并建立跨机关汇总模型（warehouse/models/*.sql）。"
    "DuckDB warehouse with cross-agency SQL models.",
)
def warehouse(context: dg.AssetExecutionContext, paths: XxgkPaths, report_tables: Tables) -> str:
    counts = run.build_warehouse_file(paths.settings(), report_tables)
    context.add_output_metadata(
        {
            "DuckDB 文件 file": str(paths.data.warehouse),
            **{f"行数 rows: {k}": v for k, v in counts.items()},
        }
    )
    return str(paths.data.warehouse)
