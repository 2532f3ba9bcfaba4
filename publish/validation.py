"""A release checked before it is put in place: by the real Frictionless validator, and every
Parquet file's contents by DuckDB against the same Table Schemas.

Frictionless reads about 50,000 rows a second on this kind of machine, so a national release
(~30 million rows) would take it most of an hour. A package of up to FULL_ROWS rows is
validated whole: the descriptor, every CSV as a table (types, constraints, primary and foreign
keys) and every file's bytes and sha256. A larger one is validated by Frictionless on its
descriptor, the first SAMPLE_ROWS rows of every CSV written for it (not of the files copied from
the previous release, which were validated when it was made; foreign keys left to DuckDB, which checks
them across every row in the warehouse) and every row of the body-years that changed since the
previous release (in a package of their own, with the bodies and reports they refer to,
foreign keys checked); every file's bytes and sha256 are checked (the release hashes each file
as it writes it, or verifies it in the release it copies it from, and says so: those are not
read again), and every row of every table is checked by DuckDB with the schemas' constraints compiled to SQL (`warehouse.validate`).

Frictionless 5.21 turns nullable integers read from Parquet into NaN and cannot count Parquet
bytes, so Parquet resources are declared `"type": "file"` for it (bytes and sha256 checked) and
their contents are checked by DuckDB.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa

import warehouse
from publish.export import export_table, whole_tables
from publish.integrity import resource_problems
from warehouse.ddl import parquet, quote
from warehouse.validate import check_parquet

FULL_ROWS = 100_000
SAMPLE_ROWS = 1_000


def frictionless_errors(
    descriptor_path: Path,
    changed: list[tuple[str, int | None]] | None = None,
    copied: frozenset[str] = frozenset(),
    hashed: frozenset[str] = frozenset(),
) -> list[str]:
    """Every problem found in the release at `descriptor_path` (empty: valid). `changed` are
    the body-years (year None: a body) that differ from the previous release; None: all.
    `copied`: files copied from a release that verified (validated when it was made): a large
    release samples only the others' rows. `hashed`: files whose bytes and sha256 in the
    descriptor the caller has just computed from the files themselves (or verified in the
    release they were copied from): a large release checks the others' here."""
    from frictionless import Package

    base = descriptor_path.parent
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    csv = whole_tables(descriptor["resources"])
    rows = sum(_rows(base / r["path"].replace(".csv", ".parquet")) for r in csv)
    whole = rows <= FULL_ROWS
    # DuckDB and sha256 run outside the GIL: on a second core while Frictionless reads rows
    with ThreadPoolExecutor(1) as pool:
        files = pool.submit(_file_problems, base, descriptor, None if whole else hashed)
        if whole:
            problems = _problems(Package(str(descriptor_path)).validate())
        else:  # foreign keys: every row of them checked by DuckDB in the warehouse
            sample = {
                **descriptor,
                "resources": [
                    _without_keys(r) for r in descriptor["resources"] if r["path"] not in copied
                ],
            }
            problems = _problems(
                Package(sample, basepath=str(base)).validate(limit_rows=SAMPLE_ROWS)
            )
            if changed:
                problems += _changed_problems(base, descriptor, changed)
        return problems + files.result()


def _file_problems(
    base: Path, descriptor: dict[str, Any], hashed: frozenset[str] | None
) -> list[str]:
    """Every Parquet file's rows against its schema (DuckDB), and, when Frictionless does not
    read the CSV files to their end (`hashed` not None), the bytes and sha256 of those not
    hashed already."""
    problems = []
    if hashed is not None:
        problems += resource_problems(
            base,
            [
                r
                for r in descriptor["resources"]
                if r["format"] == "csv" and r["path"] not in hashed
            ],
        )
    for resource in descriptor["resources"]:
        if resource["format"] == "parquet":
            table = resource["name"].removesuffix("-parquet")
            problems += [
                f"{resource['name']}: {v}" for v in check_parquet(base / resource["path"], table)
            ]
    return problems


def _problems(report: Any) -> list[str]:
    problems = [f"{task.name}: {e.type}: {e.message}" for task in report.tasks for e in task.errors]
    return problems + [f"{e.type}: {e.message}" for e in report.errors]


def _rows(path: Path) -> int:
    with warehouse.connect() as con:
        return con.execute(f"SELECT count(*) FROM {parquet(path)}").fetchone()[0]


def _changed_problems(
    base: Path, descriptor: dict[str, Any], changed: list[tuple[str, int | None]]
) -> list[str]:
    """The rows of the changed body-years, as CSV exactly as published, validated whole by
    Frictionless in a package of their own (every body kept: foreign keys point at them)."""
    from frictionless import Package

    folder = base.parent / f".validate-{base.name}"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "data").mkdir(parents=True)
    try:
        keys = pa.table(
            {
                "body_id": [b for b, _ in changed],
                "year": pa.array([y for _, y in changed], pa.int64()),
            }
        )
        resources = []
        with warehouse.connect() as con:
            con.register("changed", keys)
            for r in whole_tables(descriptor["resources"]):
                name = r["name"]
                source = parquet(base / r["path"].replace(".csv", ".parquet"))
                where = _changed_rows(r, source)
                con.execute(
                    f"CREATE OR REPLACE VIEW {quote(name)} AS SELECT * FROM {source} AS t {where}"
                )
                export_table(con, name, folder / r["path"], "csv")
                resources.append({k: v for k, v in r.items() if k not in ("bytes", "hash")})
        sub = folder / "datapackage.json"
        sub.write_text(json.dumps({**descriptor, "resources": resources}, ensure_ascii=False))
        return [f"（有变化的行 changed rows）{p}" for p in _problems(Package(str(sub)).validate())]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _without_keys(resource: dict[str, Any]) -> dict[str, Any]:
    schema = {k: v for k, v in resource.get("schema", {}).items() if k != "foreignKeys"}
    return {**resource, "schema": schema} if "schema" in resource else resource


def _changed_rows(resource: dict[str, Any], source: str) -> str:
    names = {f["name"] for f in resource["schema"]["fields"]}
    if resource["name"] == "bodies":  # the changed bodies and those above them (parent_id)
        return (
            "WHERE t.body_id IN (WITH RECURSIVE up(id) AS (SELECT body_id FROM changed "
            f"UNION SELECT b.parent_id FROM {source} AS b JOIN up ON b.body_id = up.id "
            "WHERE b.parent_id IS NOT NULL) SELECT id FROM up)"
        )
    if "year" not in names:
        return "WHERE t.body_id IN (SELECT body_id FROM changed)"
    return (
        "WHERE EXISTS (SELECT 1 FROM changed AS c WHERE c.body_id = t.body_id "
        "AND (c.year = t.year OR c.year IS NULL))"
    )
