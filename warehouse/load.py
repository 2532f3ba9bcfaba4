"""Build the DuckDB file from the validated tables, then apply the SQL models."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa

import schemas
import warehouse
from warehouse.ddl import create_table, quote


def build(db_path: Path, tables: dict[str, pa.Table]) -> dict[str, int]:
    """(Re)build the warehouse at `db_path` atomically; returns row counts per table/model.

    A new file is built beside the old one and moved over it, so a reader never sees a half
    loaded warehouse, and a failed build leaves the previous one in place.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(db_path.name + ".building")
    for stale in (tmp, Path(str(tmp) + ".wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        for name in schemas.published_tables():
            if name not in tables:
                continue  # a derived table: a view made by the SQL models below
            con.execute(create_table(name))
            con.register("incoming", tables[name])
            con.execute(f"INSERT INTO {quote(name)} SELECT * FROM incoming")
            con.unregister("incoming")
        for model in warehouse.models():
            con.execute(model.read_text(encoding="utf-8"))
        counts = row_counts(con)
        missing = [n for n in schemas.published_tables() if n not in counts]
        if missing:
            raise RuntimeError(f"发布表既未载入也没有 SQL 模型生成：{'、'.join(missing)}")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, db_path)
    return counts


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    names = [r[0] for r in con.execute(warehouse.sql("list_relations")).fetchall()]
    return {n: con.execute(f"SELECT count(*) FROM {quote(n)}").fetchone()[0] for n in names}
