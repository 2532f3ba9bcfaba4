"""Per-year and per-region CSV files of a release, beside the whole tables: a spreadsheet opens
at most EXCEL_ROWS rows, a national table holds millions. Each is made from the release's own
Parquet file by the same export as the whole table (sorted by key, BOM, formulas defused), so
the same rows give the same bytes and every subset file's rows are the whole table's.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

import schemas
import warehouse
from publish.export import export_table
from warehouse.ddl import literal, parquet, quote

FOLDER = "subsets"
EXCEL_ROWS = 1_048_576  # rows of one Excel sheet, the header included
ANY = "*"
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


def export(
    release: Path,
    tables: list[str],
    base: Path | None = None,
    reused: dict[str, dict[str, Any]] | None = None,
) -> list[tuple[str, str, str, str, int]]:
    """Every subset CSV of these tables written into `release`, from its data/*.parquet:
    (table, dimension, value, relative path, rows), in a fixed order. A file in `reused` (its
    resource in the `base` release, whose rows did not change) is copied from there."""
    reused = reused or {}
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
                relative = path(table, dimension, value)
                if base is not None and relative in reused:
                    (release / relative).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(base / relative, release / relative)
                    out.append(
                        (table, dimension, value, relative, reused[relative]["subset"]["rows"])
                    )
                    continue
                source = parquet(release / "data" / f"{table}.parquet")
                con.execute(
                    f"CREATE OR REPLACE VIEW {quote(table)} AS SELECT * FROM {source} WHERE {where}"
                )
                export_table(con, table, release / relative, "csv")
                rows = con.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0]
                out.append((table, dimension, value, relative, rows))
            for table in tables:
                con.execute(f"DROP VIEW IF EXISTS {quote(table)}")
    return out


def changed(base: Path | None, release: Path, diff: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(table, dimension, value) of every subset whose rows may differ from the `base` release's,
    from the release's `diff` (publish/changelog.py): the years and the provinces (before and
    after) of each body-year that changed; every province of a body that moved, in every table;
    (table, ANY, ANY) for a table that changed without body-years: its every subset."""
    out: set[tuple[str, str, str]] = set()
    if base is None:
        return out
    groups = [
        (table, b["body_id"], b["year"])
        for b in diff["body_years"]
        for kind in ("added", "removed", "changed")
        for table in b[kind]
    ]
    grouped = {t for t, _, _ in groups}
    everything = [t for t, d in diff["tables"].items() if t not in grouped and _differs(d)]
    provinces = _provinces(base, release, sorted({b for _, b, _ in groups}))
    for table, body, year in groups:
        if year is not None:
            out.add((table, "year", str(year)))
        out |= {(table, "region", p) for p in provinces.get(body, ())}
    moved = [b for b, ps in provinces.items() if len(ps) > 1]
    out |= {(t, "region", p) for b in moved for p in provinces[b] for t in diff["tables"]}
    return out | {(t, ANY, ANY) for t in everything}


def _differs(table_diff: dict[str, Any]) -> bool:
    return any(table_diff.get(k) for k in ("added", "removed", "changed"))


def _provinces(base: Path, release: Path, body_ids: list[str]) -> dict[str, set[str]]:
    """Each body's province in either release."""
    if not body_ids:
        return {}
    out: dict[str, set[str]] = {}
    with warehouse.connect() as con:
        con.register("wanted", pa.table({"body_id": body_ids}))
        for folder in (base, release):
            rows = con.execute(
                "SELECT body_id, substr(region_code, 1, 2) || '0000' FROM "
                + parquet(folder / "data" / "bodies.parquet")
                + " SEMI JOIN wanted USING (body_id)"
            ).fetchall()
            for body, province in rows:
                out.setdefault(body, set()).add(province)
    return out
