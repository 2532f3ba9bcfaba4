"""Group `collect`: the inbox, and each registry entry's document (local file, download, listing
page), partitioned by year and division."""

import dagster as dg
from pydantic import Field

import schemas
from assets.metadata import listed, md_or_none
from assets.partitions import BACKFILL, REPORTS
from assets.registry import registry
from assets.resources import XxgkPaths
from pipelines import run


@dg.asset(
    group_name="collect",
    deps=[registry],
    description="收件箱（数据目录 inbox/）：数据办通过其他途径收到的报告。每个文件先原样存档，再按文件"
    "标题（或文件名）对应到机关和年度；对不上的文件留在收件箱并写明原因。"
    "Inbox: files the data office received by other means, archived and matched to a body and year.",
)
def inbox_files(context: dg.AssetExecutionContext, paths: XxgkPaths) -> dg.MaterializeResult:
    s = paths.settings()
    files = run.scan_inbox(s)
    names = run.body_names(s)
    unmatched = [f for f in files if not f.matched]
    return dg.MaterializeResult(
        metadata={
            "收件箱 folder": str(s.data.inbox),
            "文件数 files": len(files),
            "已对应 matched": len(files) - len(unmatched),
            "未对应 unmatched": len(unmatched),
            "文件 files list": md_or_none(
                ["文件 file", "机关 body", "年度 year", "依据 matched by", "原因 reason"],
                [
                    [f.file, names.get(f.body_id or ""), f.year, f.matched_by, f.reason]
                    for f in files
                ],
                limit=100,
            ),
        }
    )


@dg.asset_check(
    asset=inbox_files,
    description="收件箱中的每个文件都对应到了登记表中的机关和年度。Every inbox file was matched.",
)
def inbox_files_matched(paths: XxgkPaths) -> dg.AssetCheckResult:
    unmatched = [
        f"「{f.file}」：{f.reason}" for f in run.inbox_files(paths.settings()) if not f.matched
    ]
    return dg.AssetCheckResult(
        passed=not unmatched,
        severity=dg.AssetCheckSeverity.WARN,
        description=listed(unmatched, "全部对应"),
        metadata={"未对应 unmatched": len(unmatched)},
    )


class CollectConfig(dg.Config):
    body: str = Field(
        default="",
        description="只收集这一个机关（填机关编号，如 yongan-finance-bureau）；空：分区内全部机关。"
        "Collect only this body (its id); empty: every body of the partition.",
    )
    refetch: bool = Field(
        default=False,
        description="忽略 ETag/Last-Modified，重新下载（网站未正确报告变化时用）。"
        "Download again even if the server says the document is unchanged.",
    )


@dg.asset(
    group_name="collect",
    partitions_def=REPORTS,
    deps=[inbox_files],
    pool="fetch",  # one collecting step at a time keeps the per-host limits across processes
    backfill_policy=BACKFILL,
    description="原始文件（按「年度-行政区划」分区）：按登记表读取本地文件、下载网址（网页上的 PDF/Word "
    "附件一并下载）、在年报栏目上按标题找各年度的报告，或取收件箱中的文件；原样存入以 sha256 命名的只增"
    "档案，并记下来源。输入没有变化的分区不再收集；未变化的网页（ETag/Last-Modified）不重新下载。"
    "Documents per year × division: exact bytes in an append-only archive keyed by sha256.",
)
def documents(
    context: dg.AssetExecutionContext, config: CollectConfig, paths: XxgkPaths
) -> dg.MaterializeResult:
    s = paths.settings()
    try:
        collection = run.collect(
            s, list(context.partition_keys), body=config.body or None, refetch=config.refetch
        )
    except run.NotRegistered as e:
        raise dg.Failure(description=str(e)) from None
    done = [p for p in collection.partitions if not p.skipped]
    docs = [d for p in done for d in p.collected]
    failed = [d for d in docs if d.error]
    names = run.body_names(s)
    ways = schemas.labels("coverage", "found_by")
    by = {k: sum(d.found_by == k and d.sha256 is not None for d in docs) for k in ways}
    return dg.MaterializeResult(
        metadata={
            "分区 partitions": len(collection.partitions),
            "输入未变未收集 unchanged, not collected": len(collection.partitions) - len(done),
            "取得 collected": len(docs) - len(failed),
            "未取得 missing": len(failed),
            **{f"来源 {schemas.label('coverage', 'found_by', k)}": n for k, n in by.items()},
            "未变化未下载 unchanged (HTTP 304)": sum(d.not_modified for d in docs),
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
                [[names.get(d.body_id, d.body_id), d.year, d.note] for d in docs if d.note],
            ),
            "未取得的文件 missing documents": md_or_none(
                ["机关 body", "年度 year", "原因 reason"],
                [[names.get(d.body_id, d.body_id), d.year, d.error] for d in failed],
                limit=100,
            ),
        }
    )
