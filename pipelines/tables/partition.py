"""Reading whole partitions into their published rows: each document read (on every core, once
per sha256 and parser version), each entry's rows built, every table's rows of the partition
written to the dataset (`tables/<table>/<partition>.parquet`), sorted by primary key.

A partition is read again only when its documents, the parser or the data office's
corrections of its reports changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import pyarrow as pa

import schemas
from pipelines import dataset, workers
from pipelines.collect import archive
from pipelines.collect import partition as collected
from pipelines.datadir import DataDir
from pipelines.files import file_sha256
from pipelines.read import cache
from pipelines.read.document import PARSER_VERSION
from pipelines.registry import snapshot
from pipelines.registry.model import Entry
from pipelines.tables import corrections as corr
from pipelines.tables.corrections import Correction
from pipelines.tables.rows import PARTITION_TABLES, ROWS_VERSION, ReportInput, Rows, build
from warehouse.ddl import to_arrow


@dataclass
class Read:
    """What reading one partition did, for the data office."""

    partition: str
    reports: Rows  # its `reports` rows
    skipped: bool  # documents and parser unchanged: the rows of the last reading stand


@dataclass
class Reading:
    partitions: list[Read]
    read_now: int  # documents read now; the others came from the parse cache


Corrections = dict[tuple[str, int], list[Correction]]  # (body, year) → its corrections


def fingerprint(
    data: DataDir,
    partition: str,
    entries_digest: str,
    corrections: list[Correction] | None = None,
) -> str:
    """What a partition's rows are made from: its documents, its entries (a deadline or a
    former name changes rows, not documents), the parser, the row builder, the corrections of
    its reports."""
    digest = file_sha256(data.documents(partition))
    made_of = f"{digest} {entries_digest} {PARSER_VERSION} {ROWS_VERSION}"
    extra = corr.digest(corrections or [])
    return hashlib.sha256(f"{made_of} {extra}".strip().encode()).hexdigest()


def of_partition(entries: list[Entry], corrections: Corrections) -> list[Correction]:
    return [c for e in entries for c in corrections.get((e.body_id, e.year), [])]


def _own(entries: list[Entry], corrections: Corrections) -> Corrections:
    """The corrections of these entries only: what a partition's worker is sent."""
    return {
        (e.body_id, e.year): corrections[(e.body_id, e.year)]
        for e in entries
        if (e.body_id, e.year) in corrections
    }


def read(
    data: DataDir,
    entries: dict[str, list[Entry]],
    processes: int,
    corrections: Corrections | None = None,
) -> Reading:
    """Read the partitions `entries` names (partition → its entries, in registry order): each
    one that changed by a worker of its own (its documents parsed, its rows built and
    written, the data office's `corrections` applied), on every core."""
    corrections = corrections or {}
    prints = {
        k: fingerprint(data, k, snapshot.digest(es), of_partition(es, corrections))
        for k, es in entries.items()
    }
    stale = [k for k in entries if not _unchanged(data, k, prints[k])]
    # documents first, in runs (each read by one child, the runs spread over the processes),
    # then each partition's rows from the cache
    digests = {d.sha256 for k in stale for d in collected.read(data, k) if d.sha256}
    todo = sorted(d for d in digests if not cache.cached(data.parse_cache, d))
    workers.spread(_parse_some, [(data, some) for some in _runs(todo, processes)], processes)
    jobs = [(data, k, entries[k], _own(entries[k], corrections)) for k in stale]
    done = dict(zip(stale, workers.spread(_read_one, jobs, processes), strict=True))
    out = []
    for k in entries:
        if k in done:
            rows, digests = done[k]
            dataset.save_state(data, k, read=prints[k], tables=digests)
            out.append(Read(k, rows, skipped=False))
        else:
            out.append(Read(k, dataset.read(data.part("reports", k)).to_pylist(), skipped=True))
    return Reading(out, len(todo))


RUN = 50  # documents read one after another by one reading child (see limits.bounded_each)


def _runs(digests: list[str], processes: int) -> list[list[str]]:
    """The documents in runs of at most RUN, at least four runs a process (the load evens out
    over the processes: a scan takes seconds, a text page milliseconds)."""
    size = max(1, min(RUN, -(-len(digests) // (4 * max(1, processes)))))
    return [digests[i : i + size] for i in range(0, len(digests), size)]


def _parse_some(job: tuple[DataDir, list[str]]) -> None:
    data, digests = job
    cache.parse_all(data.parse_cache, digests, lambda d: archive.load(data.archive, d))


def _read_one(job: tuple[DataDir, str, list[Entry], Corrections]) -> tuple[Rows, dict[str, str]]:
    """One partition's rows built from its documents' readings and written; (its `reports`
    rows, its files' digests)."""
    data, key, es, fixes = job
    documents = {(d.body_id, d.year): d for d in collected.read(data, key)}
    tables = build(
        [
            replace(
                _input(data, e, documents[(e.body_id, e.year)]),
                corrections=tuple(fixes.get((e.body_id, e.year), ())),
            )
            for e in es
        ]
    )
    digests = {name: _write(data, name, key, rows) for name, rows in tables.items()}
    return tables["reports"], digests


def _input(data: DataDir, e: Entry, document: collected.Document) -> ReportInput:
    """The entry with its document and its reading (from the cache)."""
    if document.sha256 is None:
        return ReportInput(e, document, None)
    loader = lambda d: archive.load(data.archive, d)  # noqa: E731 (only on a cache miss)
    return ReportInput(
        e, document, cache.cached_parse(data.parse_cache, document.sha256, loader)[0]
    )


def _write(data: DataDir, name: str, partition: str, rows: Rows) -> str:
    table: pa.Table = to_arrow(name, rows)
    key = schemas.primary_key(name)
    if key and table.num_rows:
        table = table.sort_by([(k, "ascending") for k in key])
    return dataset.write(data.part(name, partition), table)


def _unchanged(data: DataDir, partition: str, print_: str) -> bool:
    return dataset.state(data, partition).get("read") == print_ and all(
        data.part(name, partition).exists() for name in PARTITION_TABLES
    )
