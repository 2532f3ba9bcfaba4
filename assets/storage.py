"""The DuckDB warehouse."""

from typing import Any

import dagster as dg
from dagster import AssetExecutionContext

from assets.resources import XxgkPaths
from warehouse.ddl import to_arrow
from warehouse.load import build as build_warehouse


@dg.asset(
    group_name="warehouse",
    description="DuckDB 数据仓库：载入发布表并建立跨机关汇总模型（warehouse/models/*.sql）。"
    "DuckDB warehouse with cross-agency SQL models.",
)
def warehouse(
    context: AssetExecutionContext,
    paths: XxgkPaths,
    report_tables: dict[str, list[dict[str, Any]]],
) -> str:
    counts = build_warehouse(
        paths.warehouse_path, {name: to_arrow(name, rows) for name, rows in report_tables.items()}
    )
    context.add_output_metadata(
        {
            "DuckDB 文件 file": str(paths.warehouse_path),
            **{f"行数 rows: {k}": v for k, v in counts.items()},
        }
    )
    return str(paths.warehouse_path)
