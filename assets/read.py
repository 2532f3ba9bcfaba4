"""Group `read`: every document read into the template's three tables (cached by sha256)."""

import dagster as dg

from assets.resources import XxgkPaths
from pipelines import run
from pipelines.collect.collector import Document
from pipelines.read.document import PARSER_VERSION
from pipelines.registry.model import Registry
from pipelines.tables.rows import ReportInput


@dg.asset(
    group_name="read",
    description="解析结果：读出每份报告的三张表；同一文件（sha256）同一解析器版本只解析一次。"
    "Parsed reports, cached by document sha256 and parser version.",
)
def parsed_reports(
    context: dg.AssetExecutionContext,
    paths: XxgkPaths,
    registry: Registry,
    raw_documents: list[Document],
) -> list[ReportInput]:
    inputs, cached = run.read(paths.settings(), registry.entries, raw_documents)
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
