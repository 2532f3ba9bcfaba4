"""Versioned open-data releases."""

from datetime import UTC, datetime
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext

from assets.metadata import md_table
from assets.resources import XxgkPaths
from pipelines.parse import PARSER_VERSION
from pipelines.registry import Registry
from publish.release import make_release


@dg.asset(
    group_name="release",
    description="开放数据发布包：CSV（UTF-8 带 BOM）和 Parquet 的 Frictionless 数据包，带版本号和校验值；"
    "数据没有变化时不产生新版本。Versioned Frictionless data package.",
)
def release(
    context: AssetExecutionContext,
    paths: XxgkPaths,
    registry: Registry,
    warehouse: str,
    report_tables: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    inputs = {
        "registry_sha256": registry.sha256,
        "parser_version": PARSER_VERSION,
        "documents": sorted(
            [
                {
                    "body_id": r["body_id"],
                    "year": r["year"],
                    "source": r["source"],
                    "sha256": r["sha256"],
                }
                for r in report_tables["reports"]
            ],
            key=lambda d: (d["body_id"], d["year"]),
        ),
    }
    result = make_release(
        paths.warehouse_path, paths.releases, now=datetime.now(UTC), inputs=inputs
    )
    context.add_output_metadata(
        {
            "版本 version": result.version,
            "新版本 new version": result.created,
            "目录 path": dg.MetadataValue.path(str(result.path)),
            "文件 files": md_table(
                ["文件 file", "字节 bytes", "sha256"],
                [
                    [r["path"], r["bytes"], r["hash"].removeprefix("sha256:")]
                    for r in result.resources
                ],
            ),
        }
    )
    return {"version": result.version, "path": str(result.path), "created": result.created}
