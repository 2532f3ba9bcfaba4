"""The registry as the later stages read it: every expected entry with its partition, on disk
(`registry/entries.parquet`), and what the load found (`registry/registry.json`: sha256,
problems, warnings, partitions). A partition's step reads only its own entries; the registry
file is read again only when its bytes (or the years it expects) change.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines import dataset
from pipelines.datadir import DataDir, atomic_write
from pipelines.registry import partitions
from pipelines.registry.model import Entry, Registry, due_on

LAYOUT = 2  # 2: entries have a deadline


@dataclass(frozen=True)
class Facts:
    """What loading the registry found (without its entries)."""

    path: str
    sha256: str
    first_year: int
    last_year: int
    entries: int
    bodies: int
    partitions: list[str]
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # per partition: a digest of its entries, and whether one of them is found online
    digests: dict[str, str] = field(default_factory=dict)
    online: list[str] = field(default_factory=list)
    layout: int = 0  # of this file: another one is loaded again from the registry

    @property
    def base_dir(self) -> Path:
        return Path(self.path).parent


def write(data: DataDir, reg: Registry, first_year: int, last_year: int) -> Facts:
    keys = [partitions.key(e) for e in reg.entries]
    order = sorted(range(len(keys)), key=lambda i: keys[i])  # a partition's rows together
    table = dataset.to_table(
        Entry,
        [reg.entries[i] for i in order],
        {"partition": [keys[i] for i in order], "position": order},
    )
    dataset.write(data.registry_entries, table)
    by_key: dict[str, list[Entry]] = {}
    for k, e in zip(keys, reg.entries, strict=True):
        by_key.setdefault(k, []).append(e)
    facts = Facts(
        reg.path,
        reg.sha256,
        first_year,
        last_year,
        len(reg.entries),
        len(reg.bodies()),
        sorted(set(keys)),
        reg.problems,
        reg.warnings,
        {k: digest(es) for k, es in by_key.items()},
        sorted(k for k, es in by_key.items() if any(online(e) for e in es)),
        LAYOUT,
    )
    atomic_write(data.registry_facts, json.dumps(asdict(facts), ensure_ascii=False, indent=1))
    return facts


def digest(entries: list[Entry]) -> str:
    """What a partition's entries say (a change of any of them changes it)."""
    return dataset.digest([asdict(e) for e in entries])


def online(e: Entry) -> bool:
    """The entry's report is found online (a URL or a listing page): only its server can say
    whether it changed."""
    local = e.source and not e.source.startswith(("http://", "https://"))
    return not local and bool(e.source or e.listing_url)


def members(data: DataDir, keys: list[str]) -> dict[str, list[tuple[str, int, str, date]]]:
    """Per partition, its entries as (body_id, year, source as registered, deadline), in
    registry order (read from the columns, without building entries: cheap for every partition
    at once)."""
    if not keys:
        return {}
    columns = ["partition", "body_id", "year", "source", "position", "level", "deadline"]
    table = dataset.read(data.registry_entries, [("partition", "in", keys)]).select(columns)
    out: dict[str, list[tuple[str, int, str, date]]] = {k: [] for k in keys}
    for row in sorted(table.to_pylist(), key=lambda r: r["position"]):
        due = due_on(row["year"], row["level"], row["deadline"])
        out[row["partition"]].append((row["body_id"], row["year"], row["source"] or "", due))
    return out


def facts(data: DataDir) -> Facts | None:
    if not data.registry_facts.is_file() or not data.registry_entries.is_file():
        return None
    stored = json.loads(data.registry_facts.read_text(encoding="utf-8"))
    if stored.get("layout") != LAYOUT:
        return None
    return Facts(**stored)


def entries(data: DataDir, keys: list[str] | None = None) -> list[Entry]:
    """The entries of some partitions (all by default), in registry order."""
    if keys == []:
        return []
    filters = [("partition", "in", keys)] if keys is not None else None
    table = dataset.read(data.registry_entries, filters)
    table = table.take(pc.sort_indices(table["position"]))
    return dataset.from_table(Entry, table)


def first_bodies(data: DataDir, limit: int) -> list[Entry]:
    """One entry for each of the first `limit` bodies (in partition order)."""
    seen: dict[str, Entry] = {}
    for batch in pq.ParquetFile(data.registry_entries).iter_batches(batch_size=4096):
        for e in dataset.from_table(Entry, pa.Table.from_batches([batch])):
            seen.setdefault(e.body_id, e)
            if len(seen) >= limit:
                return list(seen.values())
    return list(seen.values())


def names(data: DataDir) -> dict[str, tuple[str, ...]]:
    """Every registered body's names (full and former): a listing link naming another body is
    never taken for this one."""
    table = dataset.read(data.registry_entries).select(["body_id", "name", "aliases"])
    out: dict[str, tuple[str, ...]] = {}
    for row in table.to_pylist():
        out.setdefault(row["body_id"], (row["name"], *(row["aliases"] or ())))
    return out
