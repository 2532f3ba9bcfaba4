"""The assets: registry → raw documents → parsed reports → tables → warehouse → release.

Each asset is a thin call into `pipelines/`, `warehouse/` or `publish/`; this module only adds
what the data office sees in the UI (descriptions, metadata, previews).
"""

from datetime import UTC, datetime
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext

from assets.resources import XxgkPaths
from pipelines import archive
from pipelines import registry as registry_mod
from pipelines.parse import PARSER_VERSION
from pipelines.parsing import cached_parse
from pipelines.registry import Registry
from pipelines.sources import Document, collect
from pipelines.tables import STATUS_LABELS, ReportInput, build
from publish.release import make_release
from warehouse.ddl import to_arrow
from warehouse.load import build as build_warehouse


def _md_table(header: list[str], rows: list[list[Any]], limit: int = 30) -> dg.MetadataValue:
    def cell(v: Any) -> str:
        return str("" if v is None else v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n…另有 {len(rows) - limit} 行")
    return dg.MetadataValue.md("\n".join(lines))


@dg.asset(
    group_name="sources",
    description="机关登记表：每个机关每年的报告在哪里。Registry of bodies, validated against its Table Schema.",
)
def registry(context: AssetExecutionContext, paths: XxgkPaths) -> Registry:
    reg = registry_mod.load(paths.registry_path)
    context.add_output_metadata(
        {
            "登记表 registry": reg.path,
            "sha256": reg.sha256,
            "机关数 bodies": len({e.body_id for e in reg.entries}),
            "报告数 reports expected": len(reg.entries),
            "问题 problems": _md_table(["问题 problem"], [[p] for p in reg.problems])
            if reg.problems
            else "无 none",
        }
    )
    return reg


@dg.asset(
    group_name="sources",
    description="原始文件：按登记表读取或下载每份报告，原样存入以 sha256 命名的只增档案。"
    "Raw documents: exact bytes in an append-only archive keyed by sha256.",
)
def raw_documents(
    context: AssetExecutionContext, paths: XxgkPaths, registry: Registry
) -> list[Document]:
    documents = [collect(e, registry.base_dir, paths.archive) for e in registry.entries]
    failed = [d for d in documents if d.error]
    context.add_output_metadata(
        {
            "取得 collected": len(documents) - len(failed),
            "未取得 missing": len(failed),
            "未取得的文件 missing documents": _md_table(
                ["机关 body", "年度 year", "原因 reason"],
                [[d.body_id, d.year, d.error] for d in failed],
            )
            if failed
            else "无 none",
        }
    )
    return documents


@dg.asset(
    group_name="parsing",
    description="解析结果：读出每份报告的三张表；同一文件（sha256）同一解析器版本只解析一次。"
    "Parsed reports, cached by document sha256 and parser version.",
)
def parsed_reports(
    context: AssetExecutionContext,
    paths: XxgkPaths,
    registry: Registry,
    raw_documents: list[Document],
) -> list[ReportInput]:
    by_key = {(d.body_id, d.year): d for d in raw_documents}
    inputs: list[ReportInput] = []
    cached = 0
    for entry in registry.entries:
        document = by_key[(entry.body_id, entry.year)]
        outcome = None
        if document.sha256 is not None:
            outcome, hit = cached_parse(
                paths.parse_cache, document.sha256, lambda d: archive.load(paths.archive, d)
            )
            cached += hit
        inputs.append(ReportInput(entry, document, outcome))
    failed = [i for i in inputs if i.outcome is not None and i.outcome.report is None]
    context.add_output_metadata(
        {
            "解析器版本 parser version": PARSER_VERSION,
            "新解析 parsed now": sum(i.outcome is not None for i in inputs) - cached,
            "沿用缓存 reused from cache": cached,
            "无法读取 failed": len(failed),
        }
    )
    return inputs


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
            "各报告状态 status of every report": _md_table(
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
            "错误与警告 errors and warnings": _md_table(
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
            "文件 files": _md_table(
                ["文件 file", "字节 bytes", "sha256"],
                [
                    [r["path"], r["bytes"], r["hash"].removeprefix("sha256:")]
                    for r in result.resources
                ],
            ),
        }
    )
    return {"version": result.version, "path": str(result.path), "created": result.created}
