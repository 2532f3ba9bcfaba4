"""The DuckDB warehouse, kept up to date from the partitioned dataset: only the partitions whose
files changed since the last update are deleted and loaded again, in one transaction, then the
SQL models are applied. When the tables' structure changed (or there is no file yet) the file
is built anew beside the old one and moved over it.

Constraints (keys, required fields) are not declared on the tables: at national size the
indexes would not fit in memory; they are checked in SQL compiled from the schemas
(`warehouse.validate`) on what was loaded.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

import schemas
import warehouse
from pipelines.datadir import temporary
from warehouse.ddl import create_table, parquet, quote

# Tables loaded from the partitions; `bodies` comes from the registry, `text_similarity` from
# the texts of the bodies that changed, `metrics` is a model.
PARTITIONED = schemas.PARTITION_TABLES
DERIVED = ("text_similarity",)
_META = "_xxgk_meta"
_PARTS = "_xxgk_partitions"  # partition → digest of its files, as loaded
_ROWS = "_xxgk_partition_rows"  # partition → its body-years, as loaded
_FILES_AT_ONCE = 500  # partitions loaded by one statement (bounds the statement's length)


def structure() -> str:
    """The fingerprint of the tables as this code creates them: another one rebuilds the file."""
    names = ("bodies", *PARTITIONED, *DERIVED)
    text = "\n".join(create_table(n, constraints=False) for n in names)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Update:
    changed: list[str] = field(default_factory=list)  # partitions loaded now
    removed: list[str] = field(default_factory=list)  # partitions no longer registered
    rebuilt: bool = False  # the file was built anew
    counts: dict[str, int] = field(default_factory=dict)


class Warehouse:
    """One update of the warehouse file, inside a transaction (`updating`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, rebuilt: bool) -> None:
        self.con = con
        self.update = Update(rebuilt=rebuilt)

    def loaded(self) -> dict[str, str]:
        return dict(self.con.execute(f"SELECT partition, digest FROM {_PARTS}").fetchall())

    def sync_partitions(
        self, files: dict[str, dict[str, Path]], digests: dict[str, str]
    ) -> list[str]:
        """Load the partitions whose digest differs from the one loaded, drop those no longer
        in `digests`; returns the bodies whose rows changed (for the rules across years)."""
        before = self.loaded()
        changed = sorted(k for k, d in digests.items() if before.get(k) != d)
        removed = sorted(k for k in before if k not in digests)
        self.update.changed, self.update.removed = changed, removed
        if not changed and not removed:
            return []
        self._register("doomed", pa.table({"partition": pa.array(changed + removed, pa.string())}))
        bodies = {r[0] for r in self.con.execute(warehouse.sql("doomed_bodies")).fetchall()}
        for name in PARTITIONED:
            self.con.execute(
                f"DELETE FROM {quote(name)} AS t USING {_ROWS} AS p "
                "WHERE p.partition IN (SELECT partition FROM doomed) "
                "AND t.body_id = p.body_id AND t.year = p.year"
            )
        for table in (_ROWS, _PARTS):
            self.con.execute(
                f"DELETE FROM {table} WHERE partition IN (SELECT partition FROM doomed)"
            )
        for chunk in (
            changed[i : i + _FILES_AT_ONCE] for i in range(0, len(changed), _FILES_AT_ONCE)
        ):
            self._load(chunk, files, digests)
        self._register("doomed", pa.table({"partition": pa.array(changed, pa.string())}))
        bodies |= {r[0] for r in self.con.execute(warehouse.sql("doomed_bodies")).fetchall()}
        return sorted(bodies)

    def _load(
        self, keys: list[str], files: dict[str, dict[str, Path]], digests: dict[str, str]
    ) -> None:
        for name in PARTITIONED:
            columns = ", ".join(map(quote, schemas.field_names(name)))
            sources = parquet([files[k][name] for k in keys])
            self.con.execute(
                f"INSERT INTO {quote(name)} ({columns}) SELECT {columns} FROM {sources}"
            )
        paths = [str(files[k]["reports"]) for k in keys]
        self._register("file_partitions", pa.table({"path": paths, "partition": keys}))
        reports = parquet(paths, filename=True)
        self.con.execute(
            f"INSERT INTO {_ROWS} SELECT m.partition, r.body_id, r.year FROM {reports} AS r "
            "JOIN file_partitions AS m ON m.path = r.filename"
        )
        self._register("parts", pa.table({"partition": keys, "digest": [digests[k] for k in keys]}))
        self.con.execute(f"INSERT INTO {_PARTS} SELECT partition, digest FROM parts")

    def replace_bodies(self, bodies: pa.Table) -> None:
        self.con.execute("DELETE FROM bodies")
        self._register("incoming_bodies", bodies)
        self.con.execute("INSERT INTO bodies SELECT * FROM incoming_bodies")

    def cross_year_cells(self, bodies: list[str]) -> Iterator[tuple[Any, ...]]:
        """The cells the rules across years read, for these bodies, in body and year order."""
        self._register("affected_bodies", pa.table({"body_id": pa.array(bodies, pa.string())}))
        cursor = self.con.execute(warehouse.sql("cross_year_cells"))
        while batch := cursor.fetchmany(10_000):
            yield from batch

    def replace_findings(
        self, bodies: list[str], rules: tuple[str, ...], incoming: pa.Table
    ) -> None:
        """The findings of `rules` for these bodies replaced by `incoming` (body_id, year,
        position, rule, severity, message, cells), numbered after each report's own; then the
        reports' counts of errors and warnings made again."""
        self._register("affected_bodies", pa.table({"body_id": pa.array(bodies, pa.string())}))
        self._register("rules", pa.table({"rule": pa.array(list(rules), pa.string())}))
        self.con.execute(
            "DELETE FROM findings WHERE rule IN (SELECT rule FROM rules) "
            "AND body_id IN (SELECT body_id FROM affected_bodies)"
        )
        self._register("incoming", incoming)
        self.con.execute(warehouse.sql("append_findings"))
        self.con.execute(warehouse.sql("recount_findings"))

    def flag_cells(self, bodies: list[str]) -> None:
        """The quality flags of these bodies' cells made again (after their rows or findings
        changed)."""
        self._register("affected_bodies", pa.table({"body_id": pa.array(bodies, pa.string())}))
        self.con.execute(warehouse.sql("cell_flags"))

    def report_texts(self, bodies: list[str]) -> Iterator[tuple[Any, ...]]:
        """The texts of sections 一 and 五 of these bodies, in body, section and year order."""
        self._register("affected_bodies", pa.table({"body_id": pa.array(bodies, pa.string())}))
        cursor = self.con.execute(warehouse.sql("report_texts"))
        while batch := cursor.fetchmany(10_000):
            yield from batch

    def replace_similarity(self, bodies: list[str], incoming: pa.Table) -> None:
        """The `text_similarity` rows of these bodies replaced by `incoming`."""
        self._register("affected_bodies", pa.table({"body_id": pa.array(bodies, pa.string())}))
        self.con.execute(
            "DELETE FROM text_similarity WHERE body_id IN (SELECT body_id FROM affected_bodies)"
        )
        self._register("incoming_similarity", incoming)
        self.con.execute("INSERT INTO text_similarity SELECT * FROM incoming_similarity")

    def apply_models(self) -> None:
        for model in warehouse.models():
            self.con.execute(model.read_text(encoding="utf-8"))

    def _register(self, name: str, table: pa.Table) -> None:
        self.con.register(name, table)  # replaces a view of the same name


@contextmanager
def updating(db_path: Path) -> Iterator[Warehouse]:
    """A warehouse to update in one transaction; committed (or, for a new file, moved into
    place) when the block ends, left as it was when it fails."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fresh = _stored_structure(db_path) != structure()
    path = temporary(db_path) if fresh else db_path
    for stale in (path, Path(f"{path}.wal")) if fresh else ():
        stale.unlink(missing_ok=True)
    con = warehouse.connect(str(path))
    try:
        if fresh:
            _create(con)
        con.execute("BEGIN TRANSACTION")
        store = Warehouse(con, fresh)
        yield store
        store.apply_models()
        store.update.counts = row_counts(con)
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        if fresh:
            for stale in (path, Path(f"{path}.wal")):
                stale.unlink(missing_ok=True)
        raise
    con.close()
    if fresh:
        os.replace(path, db_path)


def _create(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("bodies", *PARTITIONED, *DERIVED):
        con.execute(create_table(name, constraints=False))
    con.execute(f"CREATE TABLE {_META} (key VARCHAR, value VARCHAR)")
    con.execute(f"CREATE TABLE {_PARTS} (partition VARCHAR, digest VARCHAR)")
    con.execute(f"CREATE TABLE {_ROWS} (partition VARCHAR, body_id VARCHAR, year BIGINT)")
    con.execute(f"INSERT INTO {_META} VALUES ('structure', ?)", [structure()])


def _stored_structure(db_path: Path) -> str | None:
    if not db_path.exists():
        return None
    try:
        with warehouse.connect(str(db_path), read_only=True) as con:
            row = con.execute(f"SELECT value FROM {_META} WHERE key = 'structure'").fetchone()
    except duckdb.Error:
        return None  # a warehouse of an older layout: built anew
    return row[0] if row else None


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    names = [r[0] for r in con.execute(warehouse.sql("list_relations")).fetchall()]
    return {
        n: con.execute(f"SELECT count(*) FROM {quote(n)}").fetchone()[0]
        for n in names
        if not n.startswith("_xxgk")
    }
