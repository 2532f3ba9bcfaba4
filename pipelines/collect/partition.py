"""Collecting whole partitions: each entry's document, written to the partition's file in the
dataset (`collect/documents/<partition>.parquet`).

A partition is collected again only when what it reads may have changed: its entries (the
registry), the inbox files matched to them, the size and time of its local files, whether a
deadline has passed since. An entry found online (a URL or a listing page) can only be known
unchanged by asking its server, so its partition is always collected (conditional requests
make that cheap: a 304 downloads nothing).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from pipelines import dataset
from pipelines.collect import ledger
from pipelines.collect.collector import Collector, Document, InboxDocument, Listing, is_url
from pipelines.collect.fetch import Fetcher, Policy
from pipelines.collect.inbox import InboxFile
from pipelines.datadir import DataDir
from pipelines.registry import partitions
from pipelines.registry.model import Entry


@dataclass
class Collected:
    """What collecting one partition did, for the data office."""

    partition: str
    documents: list[Document]  # every entry's, as the partition's file now holds them
    collected: list[Document]  # those collected now (none when skipped)

    @property
    def skipped(self) -> bool:
        """Nothing it reads changed: the documents of the last collection stand."""
        return not self.collected


@dataclass
class Collection:
    partitions: list[Collected]
    listings: dict[str, Listing] = field(default_factory=dict)
    requests: int = 0  # HTTP requests sent


def fingerprint(
    entries_digest: str,
    members: list[tuple[str, int, str, date]],
    inbox: dict[tuple[str, int], InboxDocument],
    base_dir: Path,
    today: date,
) -> str:
    """What collecting a partition would read, found offline: its entries (their digest), the
    inbox files matched to them, the size and time of its local files, and which of its
    entries' deadlines have passed (which turns "not due" into "missing"). Not for a partition
    with an entry found online: only its server can say whether that changed."""
    parts: list[Any] = [entries_digest, sorted({str(d) for *_, d in members if today <= d})]
    for body_id, y, source, _ in members:
        item = inbox.get((body_id, y))
        if item is not None:
            parts.append(["inbox", item.file, item.sha256])
        elif source and not is_url(source):
            parts.append(["file", *_stat(base_dir, source)])
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def matched(files: list[InboxFile]) -> dict[tuple[str, int], InboxDocument]:
    """The inbox documents by the body-year they were matched to."""
    return {
        (f.body_id or "", f.year or 0): InboxDocument(f.file, f.sha256, f.bytes)
        for f in files
        if f.matched
    }


def _stat(base_dir: Path, source: str) -> list[Any]:
    path = Path(source) if Path(source).is_absolute() else base_dir / source
    try:
        st = path.stat()
    except OSError:
        return [source, None]
    return [source, st.st_size, st.st_mtime_ns]


def collect(
    data: DataDir,
    entries: list[Entry],
    inbox_files: list[InboxFile],
    prints: dict[str, str | None],
    *,
    base_dir: Path,
    local_dirs: tuple[Path, ...] = (),
    policy: Policy,
    today: date,
    is_report: Callable[[str], bool],
    names: Callable[[], dict[str, tuple[str, ...]]],
    only_body: str | None = None,
    refetch: bool = False,
) -> Collection:
    """Collect the partitions these entries belong to. `is_report(sha256)` tells whether an
    archived page holds the tables (asked of the read stage); `names()` gives every registered
    body's names, read only when an entry is looked for on a listing page. `only_body` collects
    that body's entries alone (the others keep their last documents); `refetch` downloads again
    even where a portal says a document is unchanged. `prints` are the partitions'
    fingerprints (`fingerprint`; None: found online). Local sources are read inside `base_dir`
    (the registry's folder) and `local_dirs` only."""
    inbox = matched(inbox_files)
    by_key: dict[str, list[Entry]] = {}
    for e in entries:
        by_key.setdefault(partitions.key(e), []).append(e)
    wanted = [
        e
        for k, es in by_key.items()
        if refetch or only_body or not _unchanged(data, k, prints[k])
        for e in es
        if only_body is None or e.body_id == only_body
    ]
    collector = Collector(
        base_dir=base_dir,
        local_dirs=local_dirs,
        archive_root=data.archive,
        fetcher=Fetcher(data.archive, data.fetch_state, policy),
        is_report=is_report,
        inbox=inbox,
        conditional=not refetch,
        names=names() if any(e.listing_url and not e.source for e in wanted) else {},
    )
    return _run(data, collector, by_key, prints, wanted, today)


def _run(
    data: DataDir,
    collector: Collector,
    by_key: dict[str, list[Entry]],
    prints: dict[str, str | None],
    wanted: list[Entry],
    today: date,
) -> Collection:
    fresh = ledger.observe(data.coverage_ledger, collector.collect_all(wanted, today), today)
    got = {(d.body_id, d.year): d for d in fresh}
    out = Collection([], collector.listings, collector.fetcher.requests_made)
    for k, es in by_key.items():
        if not any((e.body_id, e.year) in got for e in es):
            out.partitions.append(Collected(k, read(data, k), []))
            continue
        before = (
            {(d.body_id, d.year): d for d in read(data, k)} if data.documents(k).exists() else {}
        )
        documents = [got.get((e.body_id, e.year)) or before.get((e.body_id, e.year)) for e in es]
        if any(d is None for d in documents):  # `only_body` before the partition was collected
            documents = [d or _not_collected(e, today) for e, d in zip(es, documents, strict=True)]
        dataset.write(data.documents(k), dataset.to_table(Document, documents))
        dataset.save_state(data, k, collect=prints[k])
        now = [got[(e.body_id, e.year)] for e in es if (e.body_id, e.year) in got]
        out.partitions.append(Collected(k, documents, now))  # type: ignore[arg-type]
    return out


def _unchanged(data: DataDir, key: str, print_: str | None) -> bool:
    return (
        print_ is not None
        and data.documents(key).exists()
        and dataset.state(data, key).get("collect") == print_
    )


def _not_collected(e: Entry, today: date) -> Document:
    return replace(
        Document(e.body_id, e.year, e.source, None, None, "本年度尚未收集（仅收集了指定机关）"),
        checked_on=today.isoformat(),
    )


def read(data: DataDir, key: str) -> list[Document]:
    """A partition's documents as last collected."""
    return dataset.from_table(Document, dataset.read(data.documents(key)))
