"""What the Dagster assets, the sensors and the `xxgk` command call: each stage of the flow as
one function of plain data, with the deployment's settings.

    registry → inbox → collect → read → tables → warehouse → release

Side effects stay at the edges: the data directory (archive, caches, ledger, warehouse file,
releases) is written here and nowhere else above the stages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pipelines.collect import archive, inbox, ledger
from pipelines.collect.collector import Collector, Document, InboxDocument, Listing
from pipelines.collect.fetch import Fetcher, Policy
from pipelines.datadir import DataDir
from pipelines.read import cache
from pipelines.read.document import PARSER_VERSION
from pipelines.registry import load
from pipelines.registry.model import DEFAULT_FIRST_YEAR, Entry, Registry
from pipelines.tables import rows
from pipelines.tables.rows import ReportInput, Rows
from publish.release import Release, make_release
from warehouse.ddl import to_arrow
from warehouse.load import build as build_warehouse
from warehouse.validate import Violation, validate_tables


@dataclass(frozen=True)
class Settings:
    """One deployment: its data directory, its registry, how politely to fetch, and the day
    it runs as (None: today)."""

    data: DataDir
    registry: Path
    first_year: int = DEFAULT_FIRST_YEAR
    fetch: Policy = field(default_factory=Policy)
    as_of: date | None = None

    def today(self) -> date:
        return self.as_of or date.today()


# ---- registry and inbox ---------------------------------------------------------------------


def load_registry(s: Settings) -> Registry:
    return load.load(s.registry, as_of=s.today(), first_year=s.first_year)


def partition_keys(reg: Registry) -> dict[str, list[str]]:
    """The partition keys the registry calls for, per dimension (body ids, years)."""
    return {
        "bodies": sorted({e.body_id for e in reg.entries}),
        "years": sorted({str(e.year) for e in reg.entries}),
    }


def title_of(s: Settings, digest: str) -> tuple[str | None, int | None] | None:
    """(agency, year) as printed in an archived document; None when it is not a report. The
    document is read once (the parse cache keeps it for the read stage)."""
    report = _outcome(s, digest).report
    return None if report is None else (report.agency, report.year)


def reads_as_report(s: Settings, digest: str) -> bool:
    return _outcome(s, digest).report is not None


def _outcome(s: Settings, digest: str) -> cache.Outcome:
    return cache.cached_parse(s.data.parse_cache, digest, _bytes(s))[0]


def _bytes(s: Settings):  # type: ignore[no-untyped-def]
    return lambda digest: archive.load(s.data.archive, digest)


def scan_inbox(s: Settings, reg: Registry) -> list[inbox.InboxFile]:
    return inbox.scan(s.data.inbox, s.data.archive, reg.entries, lambda d: title_of(s, d))


# ---- collect --------------------------------------------------------------------------------


@dataclass
class Collection:
    documents: list[Document]
    listings: dict[str, Listing]
    requests: int  # HTTP requests sent


def collect(
    s: Settings,
    reg: Registry,
    files: list[inbox.InboxFile],
    entries: list[Entry] | None = None,
    *,
    refetch: bool = False,
) -> Collection:
    """The document of every entry (all of the registry's by default): from the inbox, the
    registry's source or the body's listing page; recorded in the collect-time ledger.
    `refetch` downloads again even where the portal says a document is unchanged."""
    collector = Collector(
        base_dir=reg.base_dir,
        archive_root=s.data.archive,
        fetcher=Fetcher(s.data.archive, s.data.fetch_state, s.fetch),
        is_report=lambda digest: reads_as_report(s, digest),
        inbox={
            (f.body_id or "", f.year or 0): InboxDocument(f.file, f.sha256, f.bytes)
            for f in files
            if f.matched
        },
        conditional=not refetch,
        # every registered body's names: a link naming another body is never taken for this one
        names={b.body_id: b.names for b in reg.bodies().values()},
    )
    documents = collector.collect_all(reg.entries if entries is None else entries, s.today())
    documents = ledger.observe(s.data.coverage_ledger, documents, s.today())
    return Collection(documents, collector.listings, collector.fetcher.requests_made)


# ---- read -----------------------------------------------------------------------------------


def read(
    s: Settings, entries: list[Entry], documents: list[Document]
) -> tuple[list[ReportInput], int]:
    """Each entry with its document and the document's reading; (inputs, how many readings
    came from the parse cache)."""
    by_key = {(d.body_id, d.year): d for d in documents}
    inputs: list[ReportInput] = []
    cached = 0
    for entry in entries:
        document = by_key[(entry.body_id, entry.year)]
        outcome = None
        if document.sha256 is not None:
            outcome, hit = cache.cached_parse(s.data.parse_cache, document.sha256, _bytes(s))
            cached += hit
        inputs.append(ReportInput(entry, document, outcome))
    return inputs, cached


# ---- tables, warehouse, release -------------------------------------------------------------


def build_tables(inputs: list[ReportInput]) -> dict[str, Rows]:
    return rows.build(inputs)


def check_tables(tables: dict[str, Rows]) -> list[Violation]:
    """Every published table against its Table Schema (types, constraints, keys)."""
    return validate_tables({name: to_arrow(name, table) for name, table in tables.items()})


def build_warehouse_file(s: Settings, tables: dict[str, Rows]) -> dict[str, int]:
    """The DuckDB warehouse rebuilt from the tables; row counts per table and model."""
    return build_warehouse(
        s.data.warehouse, {name: to_arrow(name, table) for name, table in tables.items()}
    )


def release_inputs(reg: Registry, reports: Rows) -> dict[str, Any]:
    """What a release is built from (its inputs.json): enough to rebuild it."""
    return {
        "registry_sha256": reg.sha256,
        "parser_version": PARSER_VERSION,
        "documents": sorted(
            ({k: r[k] for k in ("body_id", "year", "source", "sha256")} for r in reports),
            key=lambda d: (d["body_id"], d["year"]),
        ),
    }


def release(s: Settings, reg: Registry, reports: Rows, *, bump: str, force: bool) -> Release:
    """A new release from the warehouse when something changed (or when forced)."""
    return make_release(
        s.data.warehouse,
        s.data.releases,
        now=datetime.now(UTC),
        inputs=release_inputs(reg, reports),
        bump=bump,
        force=force,
    )


# ---- one body-year alone --------------------------------------------------------------------


@dataclass(frozen=True)
class OneReport:
    document: Document
    report: dict[str, Any]  # its `reports` row
    from_cache: bool


class NotRegistered(Exception):
    """The body-year asked for is not in the registry; the message is for the data office."""


def one_report(s: Settings, body_id: str, year: int, *, refetch: bool = False) -> OneReport:
    """Look for, fetch and read one body's report for one year; the next whole run reuses
    what was fetched (the archive) and read (the parse cache)."""
    reg = load_registry(s)
    entry = next((e for e in reg.entries if (e.body_id, e.year) == (body_id, year)), None)
    if entry is None:
        raise NotRegistered(
            f"登记表中没有机关 {body_id} 的 {year} 年度（可能已从登记表删除，或该年不在其存续年度内）。"
        )
    files = [f for f in scan_inbox(s, reg) if (f.body_id, f.year) == (body_id, year)]
    (document,) = collect(s, reg, files, [entry], refetch=refetch).documents
    inputs, cached = read(s, [entry], [document])
    return OneReport(document, build_tables(inputs)["reports"][0], bool(cached))
