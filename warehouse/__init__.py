"""DuckDB warehouse: published tables loaded from the validated tables, plus SQL models."""

import os
from pathlib import Path

import duckdb

HERE = Path(__file__).parent
# DuckDB spills to disk past this (sorting 30 million rows for an export would otherwise take
# most of the machine's memory): XXGK_DUCKDB_MEMORY, e.g. 2GB.
MEMORY_LIMIT = os.environ.get("XXGK_DUCKDB_MEMORY", "2GB")


def connect(
    path: Path | str | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Every DuckDB connection of xxgk: a file (or in memory), within MEMORY_LIMIT."""
    con = duckdb.connect(str(path) if path is not None else ":memory:", read_only=read_only)
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    return con


def sql(name: str) -> str:
    """A query kept in `warehouse/queries/<name>.sql`."""
    return (HERE / "queries" / f"{name}.sql").read_text(encoding="utf-8")


def models() -> list[Path]:
    """SQL models, applied in file-name order (each may use the ones before it)."""
    return sorted((HERE / "models").glob("*.sql"))


def model(name: str) -> str:
    """One SQL model's text, `models/<name>.sql` (the catalog applies some to a release's files)."""
    return (HERE / "models" / f"{name}.sql").read_text(encoding="utf-8")
