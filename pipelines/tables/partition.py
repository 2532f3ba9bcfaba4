"""Reading whole partitions into their published rows: each document read (on every core, once
per sha256 and parser version), each entry's rows built, every table's rows of the partition
written to the dataset (`tables/<table>/<partition>.parquet`), sorted by primary key.

A partition is read again only when its documents or the parser changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pyarrow as pa

import schemas
from pipelines import dataset
from pipelines.collect import archive
from pipelines.collect import partition as collected
from pipelines.datadir import DataDir
from pipelines.files import file_sha256
from pipelines.read import cache, pool
from pipelines.read.document import PARSER_VERSION
from pipelines.registry.model import Entry
from pipelines.tables.rows import PARTITION_TABLES, ReportInput, Rows, build
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


def fingerprint(data: DataDir, partition: str) -> str:
    digest = file_sha256(data.documents(partition))
    return hashlib.sha256(f"{digest} {PARSER_VERSION}".encode()).hexdigest()


def read(data: DataDir, entries: dict[str, list[Entry]], workers: int) -> Reading:
    """Read the partitions `entries` names (partition → its entries, in registry order)."""
    prints = {k: fingerprint(data, k) for k in entries}
    stale = [k for k in entries if not _unchanged(data, k, prints[k])]
    documents = {k: {(d.body_id, d.year): d for d in collected.read(data, k)} for k in stale}
    digests = [d.sha256 for docs in documents.values() for d in docs.values() if d.sha256]
    read_now = pool.read_all(data.parse_cache, data.archive, digests, workers)
    out = []
    for k, es in entries.items():
        if k not in documents:
            reports = dataset.read(data.part("reports", k)).to_pylist()
            out.append(Read(k, reports, skipped=True))
            continue
        inputs = [_input(data, e, documents[k][(e.body_id, e.year)]) for e in es]
        tables = build(inputs)
        digests_out = {name: _write(data, name, k, rows) for name, rows in tables.items()}
        dataset.save_state(data, k, read=prints[k], tables=digests_out)
        out.append(Read(k, tables["reports"], skipped=False))
    return Reading(out, read_now)


def _input(data: DataDir, e: Entry, document: collected.Document) -> ReportInput:
    outcome = None
    if document.sha256 is not None:
        loader = lambda d: archive.load(data.archive, d)  # noqa: E731 (only on a cache miss)
        outcome = cache.cached_parse(data.parse_cache, document.sha256, loader)[0]
    return ReportInput(e, document, outcome)


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
