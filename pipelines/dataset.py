"""The partitioned dataset on disk: what one stage hands the next, as Parquet files under the
data directory (one per partition), never as Python lists of every row in one process.

Rows are dataclass instances (registry entries, documents) or published rows (dicts keyed by a
Table Schema's fields). Files are written atomically and deterministically (the same rows give
the same bytes), so a file's sha256 tells whether a partition's output changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.datadir import DataDir, atomic_path, atomic_write
from pipelines.files import file_sha256

T = TypeVar("T")

# Field annotations (as strings: modules use `from __future__ import annotations`) → Arrow.
_ARROW = {
    "str": pa.string(),
    "str | None": pa.string(),
    "int": pa.int64(),
    "int | None": pa.int64(),
    "bool": pa.bool_(),
    "tuple[str, ...]": pa.list_(pa.string()),
}


def schema_of(cls: type) -> pa.Schema:
    return pa.schema(
        [pa.field(f.name, _ARROW[str(f.type)]) for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    )


def to_table(cls: type, rows: Iterable[Any], extra: dict[str, list[Any]] | None = None) -> pa.Table:
    """Dataclass instances as an Arrow table of their fields (plus `extra` columns)."""
    table = pa.Table.from_pylist([dataclasses.asdict(r) for r in rows], schema=schema_of(cls))
    for name, values in (extra or {}).items():
        table = table.append_column(name, pa.array(values))
    return table


def from_table(cls: type[T], table: pa.Table) -> list[T]:
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    tuples = {f.name for f in dataclasses.fields(cls) if str(f.type).startswith("tuple")}  # type: ignore[arg-type]
    out = []
    for row in table.select([n for n in table.column_names if n in names]).to_pylist():
        for name in tuples:
            row[name] = tuple(row[name] or ())
        out.append(cls(**row))
    return out


def write(path: Path, table: pa.Table) -> str:
    """Write one Parquet file atomically; returns its sha256."""
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
        digest = file_sha256(tmp)
    return digest


def read(path: Path, filters: list[tuple[str, str, Any]] | None = None) -> pa.Table:
    return pq.read_table(path, filters=filters)


def digest(value: Any) -> str:
    """The sha256 of a JSON-able value (a partition's file digests, its inputs)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def state(data: DataDir, partition: str) -> dict[str, Any]:
    """What each stage last worked from for a partition (fingerprints of its inputs)."""
    path = data.partition_state(partition)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save_state(data: DataDir, partition: str, **stages: Any) -> None:
    atomic_write(
        data.partition_state(partition),
        json.dumps({**state(data, partition), **stages}, sort_keys=True),
    )
