"""Sources: the registry, the raw documents it points to, and their parses."""

import dagster as dg
from dagster import AssetExecutionContext

from assets.metadata import md_table
from assets.resources import XxgkPaths
from pipelines import archive
from pipelines import registry as registry_mod
from pipelines.parse import PARSER_VERSION
from pipelines.parsing import cached_parse
from pipelines.registry import Registry
from pipelines.sources import Document, collect
from pipelines.tables import ReportInput


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
            "问题 problems": md_table(["问题 problem"], [[p] for p in reg.problems])
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
            "未取得的文件 missing documents": md_table(
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
