"""Per-year and per-region CSV files of a release, beside the whole tables: a spreadsheet opens
at most EXCEL_ROWS rows, a national table holds millions. Each is made from the release's own
Parquet file by the same export as the whole table (sorted by key, BOM, formulas defused), so
the same rows give the same bytes and every subset file's rows are the whole table's.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

import schemas
import warehouse
from publish.export import export_table
from warehouse.ddl import literal, parquet, quote

FOLDER = "subsets"
EXCEL_ROWS = 1_048_576  # rows of one Excel sheet, the header included
DIMENSIONS = {"year": "按年度 by year", "region": "按省份 by province"}


def keys(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(dimension, value) of every subset: each year of the reports, each province."""
    return [(d, v) for d, v in con.execute(warehouse.sql("release_subsets")).fetchall()]


def condition(release: Path, table: str, dimension: str, value: str) -> str | None:
    """The WHERE clause of a table's rows in a subset; None where the table has no such rows
    (`bodies` has no year)."""
    fields = schemas.field_names(table)
    if dimension == "year":
        return f"year = {int(value)}" if "year" in fields else None
    bodies = parquet(release / "data" / "bodies.parquet")
    return (
        f"body_id IN (SELECT body_id FROM {bodies} "
        f"WHERE substr(region_code, 1, 2) || '0000' = {literal(value)})"
    )


def path(table: str, dimension: str, value: str) -> str:
    """Where a subset file is, relative to the release: subsets/year/2023/applications.csv."""
    return f"{FOLDER}/{dimension}/{value}/{table}.csv"


def export(release: Path, tables: list[str]) -> list[tuple[str, str, str, str, int]]:
    """Every subset CSV of these tables written into `release`, from its data/*.parquet:
    (table, dimension, value, relative path, rows), in a fixed order."""
    out = []
    with warehouse.connect() as con:
        for name in ("reports", "bodies"):
            con.execute(
                f"CREATE VIEW {quote(name)} AS SELECT * FROM "
                + parquet(release / "data" / f"{name}.parquet")
            )
        found = keys(con)
        con.execute("DROP VIEW reports; DROP VIEW bodies")
        for dimension, value in found:
            for table in tables:
                where = condition(release, table, dimension, value)
                if where is None:
                    continue
                source = parquet(release / "data" / f"{table}.parquet")
                con.execute(
                    f"CREATE OR REPLACE VIEW {quote(table)} AS SELECT * FROM {source} WHERE {where}"
                )
                relative = path(table, dimension, value)
                export_table(con, table, release / relative, "csv")
                rows = con.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0]
                out.append((table, dimension, value, relative, rows))
            for table in tables:
                con.execute(f"DROP VIEW IF EXISTS {quote(table)}")
    return out
