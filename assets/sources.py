"""Sources: the registry, the inbox, the raw documents (downloaded or found), their parses,
and one body-year on its own (partitioned by body and year)."""

from datetime import UTC, date, datetime

import dagster as dg
from dagster import AssetExecutionContext
from pydantic import Field

from assets.metadata import md_table
from assets.partitions import BODY_YEAR, sync_partitions
from assets.resources import XxgkPaths
from pipelines.collect import archive, inbox, ledger
from pipelines.collect.collector import Collector, Document, InboxDocument
from pipelines.collect.fetch import Fetcher
from pipelines.read.cache import cached_parse, reads_as_report, title_of
from pipelines.read.document import PARSER_VERSION
from pipelines.registry import load as registry_mod
from pipelines.registry.model import Entry, Registry
from pipelines.tables.rows import STATUS_LABELS, ReportInput, build

_NONE = "无 none"


def load_registry(paths: XxgkPaths, today: date) -> Registry:
    return registry_mod.load(paths.registry_path, as_of=today, first_year=paths.first_year)


@dg.asset(
    group_name="sources",
    description="机关登记表（CSV 或 Excel）：每个机关、每年的报告在哪里，或机关的年报栏目；"
    "按 Table Schema 和行政区划代码表（GB/T 2260）逐行检查。"
    "Registry of bodies, validated against its Table Schema and the GB/T 2260 division codes.",
)
def registry(context: AssetExecutionContext, paths: XxgkPaths) -> Registry:
    reg = load_registry(paths, paths.today())
    added = sync_partitions(context.instance, reg)
    bodies = reg.bodies()
    context.add_output_metadata(
        {
            "登记表 registry": reg.path,
            "sha256": reg.sha256,
            "机关数 bodies": len(bodies),
            "应有报告数 reports expected": sum(e.expected for e in reg.entries),
            "新增分区 partitions added": ", ".join(added) or _NONE,
            "问题 problems": md_table(["问题 problem"], [[p] for p in reg.problems])
            if reg.problems
            else _NONE,
            "提醒 warnings": md_table(["提醒 warning"], [[w] for w in reg.warnings])
            if reg.warnings
            else _NONE,
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


def _title_reader(paths: XxgkPaths):  # type: ignore[no-untyped-def]
    return lambda digest: title_of(paths.parse_cache, paths.archive, digest)


def scan_inbox(paths: XxgkPaths, reg: Registry) -> list[inbox.InboxFile]:
    return inbox.scan(paths.inbox, paths.archive, reg.entries, _title_reader(paths))


@dg.asset(
    group_name="sources",
    description="收件箱（数据目录 inbox/）：数据办通过其他途径收到的报告。每个文件先原样存档，再按文件"
    "标题（或文件名）对应到机关和年度；对不上的文件留在收件箱并写明原因。"
    "Inbox: files the data office received by other means, archived and matched to a body and year.",
)
def inbox_files(
    context: AssetExecutionContext, paths: XxgkPaths, registry: Registry
) -> list[inbox.InboxFile]:
    files = scan_inbox(paths, registry)
    unmatched = [f for f in files if not f.matched]
    context.add_output_metadata(
        {
            "收件箱 folder": str(paths.inbox),
            "文件数 files": len(files),
            "已对应 matched": len(files) - len(unmatched),
            "未对应 unmatched": len(unmatched),
            "文件 files list": md_table(
                ["文件 file", "机关 body", "年度 year", "依据 matched by", "原因 reason"],
                [[f.file, f.body_id, f.year, f.matched_by, f.reason] for f in files],
                limit=100,
            )
            if files
            else _NONE,
        }
    )
    return files


def make_collector(
    paths: XxgkPaths, reg: Registry, files: list[inbox.InboxFile], *, conditional: bool = True
) -> Collector:
    return Collector(
        base_dir=reg.base_dir,
        archive_root=paths.archive,
        fetcher=Fetcher(paths.archive, paths.fetch_state, paths.fetch_policy()),
        is_report=lambda digest: reads_as_report(paths.parse_cache, paths.archive, digest),
        inbox={
            (f.body_id or "", f.year or 0): InboxDocument(f.file, f.sha256, f.bytes)
            for f in files
            if f.matched
        },
        conditional=conditional,
    )


def collect_documents(
    collector: Collector, paths: XxgkPaths, entries: list[Entry], today: date
) -> list[Document]:
    documents = collector.collect_all(entries, today)
    return ledger.observe(paths.coverage_ledger, documents, today)


@dg.asset(
    group_name="sources",
    description="原始文件：按登记表读取本地文件、下载网址（网页上的 PDF/Word 附件一并下载）、在年报栏目"
    "上按标题找各年度的报告，或取收件箱中的文件；原样存入以 sha256 命名的只增档案，并记下来源。"
    "未变化的网页（ETag/Last-Modified）不重新下载。"
    "Raw documents: exact bytes in an append-only archive keyed by sha256, with provenance.",
)
def raw_documents(
    context: AssetExecutionContext,
    paths: XxgkPaths,
    registry: Registry,
    inbox_files: list[inbox.InboxFile],
) -> list[Document]:
    collector = make_collector(paths, registry, inbox_files)
    documents = collect_documents(collector, paths, registry.entries, paths.today())
    failed = [d for d in documents if d.error]
    ambiguous = [d for d in documents if d.note]
    by = {k: sum(d.found_by == k and d.sha256 is not None for d in documents) for k in _FOUND_BY}
    context.add_output_metadata(
        {
            "取得 collected": len(documents) - len(failed),
            "未取得 missing": len(failed),
            **{f"来源 {label}": by[k] for k, label in _FOUND_BY.items()},
            "未变化未下载 unchanged (HTTP 304)": sum(d.not_modified for d in documents),
            "HTTP 请求数 requests": collector.fetcher.requests_made,
            "年报栏目 listings": md_table(
                ["栏目 listing", "页数 pages", "找到的年度 years found", "问题 error"],
                [
                    [u, li.pages, "、".join(str(y) for y in sorted(li.found)), li.error]
                    for u, li in sorted(collector.listings.items())
                ],
                limit=100,
            )
            if collector.listings
            else _NONE,
            "需核对的选择 ambiguous": md_table(
                ["机关 body", "年度 year", "说明 note"],
                [[d.body_id, d.year, d.note] for d in ambiguous],
            )
            if ambiguous
            else _NONE,
            "未取得的文件 missing documents": md_table(
                ["机关 body", "年度 year", "原因 reason"],
                [[d.body_id, d.year, d.error] for d in failed],
                limit=100,
            )
            if failed
            else _NONE,
        }
    )
    return documents


_FOUND_BY = {
    "registry": "登记表 registry",
    "discovery": "栏目查找 discovery",
    "inbox": "收件箱 inbox",
}


def parse_inputs(
    paths: XxgkPaths, entries: list[Entry], documents: list[Document]
) -> tuple[list[ReportInput], int]:
    """(inputs, how many parses came from the cache)."""
    by_key = {(d.body_id, d.year): d for d in documents}
    inputs: list[ReportInput] = []
    cached = 0
    for entry in entries:
        document = by_key[(entry.body_id, entry.year)]
        outcome = None
        if document.sha256 is not None:
            outcome, hit = cached_parse(
                paths.parse_cache, document.sha256, lambda d: archive.load(paths.archive, d)
            )
            cached += hit
        inputs.append(ReportInput(entry, document, outcome))
    return inputs, cached


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
    inputs, cached = parse_inputs(paths, registry.entries, raw_documents)
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


class BodyYearConfig(dg.Config):
    refetch: bool = Field(
        default=False,
        description="忽略 ETag/Last-Modified，重新下载（网站未正确报告变化时用）。"
        "Download again even if the server says the document is unchanged.",
    )


@dg.asset(
    group_name="sources",
    partitions_def=BODY_YEAR,
    deps=[registry],
    description="单个机关单个年度：只（重新）查找、下载、解析这一份报告，结果进入原始档案和解析缓存，"
    "下次完整运行直接沿用。One body and year on its own: (re)fetch and parse just this report.",
)
def body_year_report(
    context: AssetExecutionContext, config: BodyYearConfig, paths: XxgkPaths
) -> dg.MaterializeResult:
    keys = context.partition_key.keys_by_dimension  # type: ignore[attr-defined]
    body_id, year = keys["body"], int(keys["year"])
    today = paths.today()
    reg = load_registry(paths, today)
    entry = next((e for e in reg.entries if (e.body_id, e.year) == (body_id, year)), None)
    if entry is None:
        raise dg.Failure(
            description=f"登记表中没有机关 {body_id} 的 {year} 年度（可能已从登记表删除，"
            "或该年不在其存续年度内）。"
        )
    files = [f for f in scan_inbox(paths, reg) if (f.body_id, f.year) == (body_id, year)]
    collector = make_collector(paths, reg, files, conditional=not config.refetch)
    # the other bodies' names are needed to pick this body's link on a shared listing
    collector.names = {b.body_id: b.names for b in reg.bodies().values()}
    (document,) = collect_documents(collector, paths, [entry], today)
    inputs, cached = parse_inputs(paths, [entry], [document])
    row = build(inputs)["reports"][0]
    return dg.MaterializeResult(
        metadata={
            "状态 status": STATUS_LABELS[row["status"]],
            "原因 reason": row["status_reason"] or "",
            "来源 source": document.source,
            "sha256": document.sha256 or "",
            "未变化 unchanged (304)": document.not_modified,
            "沿用解析缓存 parse from cache": bool(cached),
            "错误 errors": row["errors"],
            "警告 warnings": row["warnings"],
            "检查时间 checked at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
