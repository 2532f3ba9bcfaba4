"""Group `collect`: the inbox, every registry entry's document (local file, download, listing
page), and one body-year collected and read alone."""

from datetime import UTC, datetime

import dagster as dg
from pydantic import Field

import schemas
from assets.metadata import md_or_none
from assets.partitions import BODY_YEAR
from assets.registry import registry
from assets.resources import XxgkPaths
from pipelines import run
from pipelines.collect.collector import Document
from pipelines.collect.inbox import InboxFile
from pipelines.registry.model import Registry


@dg.asset(
    group_name="collect",
    description="收件箱（数据目录 inbox/）：数据办通过其他途径收到的报告。每个文件先原样存档，再按文件"
    "标题（或文件名）对应到机关和年度；对不上的文件留在收件箱并写明原因。"
    "Inbox: files the data office received by other means, archived and matched to a body and year.",
)
def inbox_files(
    context: dg.AssetExecutionContext, paths: XxgkPaths, registry: Registry
) -> list[InboxFile]:
    files = run.scan_inbox(paths.settings(), registry)
    unmatched = [f for f in files if not f.matched]
    context.add_output_metadata(
        {
            "收件箱 folder": str(paths.data.inbox),
            "文件数 files": len(files),
            "已对应 matched": len(files) - len(unmatched),
            "未对应 unmatched": len(unmatched),
            "文件 files list": md_or_none(
                ["文件 file", "机关 body", "年度 year", "依据 matched by", "原因 reason"],
                [[f.file, f.body_id, f.year, f.matched_by, f.reason] for f in files],
                limit=100,
            ),
        }
    )
    return files


@dg.asset_check(
    asset=inbox_files,
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


@dg.asset(
    group_name="collect",
    description="原始文件：按登记表读取本地文件、下载网址（网页上的 PDF/Word 附件一并下载）、在年报栏目"
    "上按标题找各年度的报告，或取收件箱中的文件；原样存入以 sha256 命名的只增档案，并记下来源。"
    "未变化的网页（ETag/Last-Modified）不重新下载。"
    "Raw documents: exact bytes in an append-only archive keyed by sha256, with provenance.",
)
def raw_documents(
    context: dg.AssetExecutionContext,
    paths: XxgkPaths,
    registry: Registry,
    inbox_files: list[InboxFile],
) -> list[Document]:
    collection = run.collect(paths.settings(), registry, inbox_files)
    documents = collection.documents
    failed = [d for d in documents if d.error]
    ways = schemas.labels("coverage", "found_by")
    by = {k: sum(d.found_by == k and d.sha256 is not None for d in documents) for k in ways}
    context.add_output_metadata(
        {
            "取得 collected": len(documents) - len(failed),
            "未取得 missing": len(failed),
            **{f"来源 {schemas.label('coverage', 'found_by', k)}": n for k, n in by.items()},
            "未变化未下载 unchanged (HTTP 304)": sum(d.not_modified for d in documents),
            "HTTP 请求数 requests": collection.requests,
            "年报栏目 listings": md_or_none(
                ["栏目 listing", "页数 pages", "找到的年度 years found", "问题 error"],
                [
                    [u, li.pages, "、".join(str(y) for y in sorted(li.found)), li.error]
                    for u, li in sorted(collection.listings.items())
                ],
                limit=100,
            ),
            "需核对的选择 ambiguous": md_or_none(
                ["机关 body", "年度 year", "说明 note"],
                [[d.body_id, d.year, d.note] for d in documents if d.note],
            ),
            "未取得的文件 missing documents": md_or_none(
                ["机关 body", "年度 year", "原因 reason"],
                [[d.body_id, d.year, d.error] for d in failed],
                limit=100,
            ),
        }
    )
    return documents


class BodyYearConfig(dg.Config):
    refetch: bool = Field(
        default=False,
        description="忽略 ETag/Last-Modified，重新下载（网站未正确报告变化时用）。"
        "Download again even if the server says the document is unchanged.",
    )


@dg.asset(
    group_name="collect",
    partitions_def=BODY_YEAR,
    deps=[registry],
    description="单个机关单个年度：只（重新）查找、下载、解析这一份报告，结果进入原始档案和解析缓存，"
    "下次完整运行直接沿用。One body and year on its own: (re)fetch and parse just this report.",
)
def body_year_report(
    context: dg.AssetExecutionContext, config: BodyYearConfig, paths: XxgkPaths
) -> dg.MaterializeResult:
    keys = context.partition_key.keys_by_dimension  # type: ignore[attr-defined]
    try:
        one = run.one_report(
            paths.settings(), keys["body"], int(keys["year"]), refetch=config.refetch
        )
    except run.NotRegistered as e:
        raise dg.Failure(description=str(e)) from None
    row = one.report
    return dg.MaterializeResult(
        metadata={
            "状态 status": schemas.labels("reports", "status")[row["status"]],
            "原因 reason": row["status_reason"] or "",
            "来源 source": one.document.source,
            "sha256": one.document.sha256 or "",
            "未变化 unchanged (304)": one.document.not_modified,
            "沿用解析缓存 parse from cache": one.from_cache,
            "错误 errors": row["errors"],
            "警告 warnings": row["warnings"],
            "检查时间 checked at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
