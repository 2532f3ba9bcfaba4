"""Versioned releases: a Frictionless data package of every published table as CSV and Parquet.

A release directory is never overwritten. A new one is built in a staging directory, checked
with the real `frictionless validate`, then renamed into place, and the `latest` link is moved
atomically. When the data files would be byte-identical to the latest release, no new version
is made.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

import schemas
from publish.docs import data_dictionary
from publish.export import export_table

LATEST = "latest"


@dataclass(frozen=True)
class Release:
    version: str
    path: Path
    created: bool  # False when the inputs did not change and the latest release stands
    resources: list[dict[str, Any]]


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def latest(releases_dir: Path) -> Path | None:
    link = releases_dir / LATEST
    return link.resolve() if link.exists() else None


def next_version(releases_dir: Path, now: datetime) -> str:
    """CalVer YYYY.MM.N: N counts the releases made in that month."""
    prefix = f"{now:%Y.%m}."
    taken = [p.name for p in releases_dir.glob(prefix + "*") if p.is_dir()]
    numbers = [int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


def data_hashes(package: dict[str, Any]) -> dict[str, str]:
    return {r["path"]: r["hash"] for r in package["resources"]}


def make_release(
    db_path: Path,
    releases_dir: Path,
    *,
    now: datetime,
    inputs: dict[str, Any],
    force: bool = False,
) -> Release:
    """Export the warehouse to a new release, unless nothing changed since the latest one."""
    releases_dir.mkdir(parents=True, exist_ok=True)
    staging = releases_dir / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "data").mkdir(parents=True)
    try:
        con = duckdb.connect(str(db_path), read_only=True)
        try:
            resources = [
                resource
                for name in schemas.published_tables()
                for resource in _export(con, name, staging)
            ]
        finally:
            con.close()
        previous = latest(releases_dir)
        if previous is not None and not force:
            old = json.loads((previous / "datapackage.json").read_text(encoding="utf-8"))
            if data_hashes(old) == {r["path"]: r["hash"] for r in resources}:
                shutil.rmtree(staging)
                return Release(old["version"], previous, False, old["resources"])
        version = next_version(releases_dir, now)
        package = descriptor(version, now, resources)
        (staging / "datapackage.json").write_text(
            json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (staging / "README.md").write_text(data_dictionary(), encoding="utf-8")
        (staging / "inputs.json").write_text(
            json.dumps(inputs, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        problems = frictionless_errors(staging / "datapackage.json")
        if problems:
            raise ReleaseInvalid(problems)
        target = releases_dir / version
        os.rename(staging, target)  # never onto an existing version: rename fails if it exists
        _point_latest(releases_dir, version)
        return Release(version, target, True, resources)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


class ReleaseInvalid(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("发布包未通过 frictionless 校验：" + "；".join(problems[:20]))
        self.problems = problems


def _export(con: duckdb.DuckDBPyConnection, name: str, staging: Path) -> list[dict[str, Any]]:
    schema = schemas.load(name)
    out = []
    for fmt, mediatype in (("csv", "text/csv"), ("parquet", "application/vnd.apache.parquet")):
        relative = f"data/{name}.{fmt}"
        path = staging / relative
        export_table(con, name, path, fmt)
        resource: dict[str, Any] = {
            "name": name if fmt == "csv" else f"{name}-parquet",
            "type": "table" if fmt == "csv" else "file",  # see frictionless_errors
            "title": schema["title"],
            "description": schema["description"],
            "path": relative,
            "format": fmt,
            "mediatype": mediatype,
            "bytes": path.stat().st_size,
            "hash": f"sha256:{file_digest(path)}",
            "schema": {k: v for k, v in schema.items() if k not in ("title", "description")},
        }
        if fmt == "csv":
            resource["encoding"] = "utf-8-sig"  # with BOM, so Excel opens Chinese text right
        out.append(resource)
    return out


def descriptor(version: str, now: datetime, resources: list[dict[str, Any]]) -> dict[str, Any]:
    base = {k: v for k, v in schemas.package().items() if k != "tables"}
    return {
        **base,
        "version": version,
        "created": now.isoformat(timespec="seconds"),
        "sources": [
            {
                "title": "各机关公开发布的政府信息公开工作年度报告（逐份见 reports 表的 source 和 sha256 列，"
                "及 inputs.json）",
            }
        ],
        "resources": resources,
    }


def frictionless_errors(descriptor_path: Path) -> list[str]:
    """The release checked by the real Frictionless validator, plus the Parquet contents.

    Frictionless checks the descriptor, every CSV resource as a table (types, constraints,
    primary and foreign keys) and every file's bytes and sha256. Its Parquet reader (5.21)
    turns nullable integers into NaN and cannot count bytes, so Parquet resources are declared
    `"type": "file"` for it, and their contents are checked here against the same schema.
    """
    from frictionless import Package

    report = Package(str(descriptor_path)).validate()
    problems = [f"{task.name}: {e.type}: {e.message}" for task in report.tasks for e in task.errors]
    problems += [f"{e.type}: {e.message}" for e in report.errors]
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["format"] == "parquet":
            problems += parquet_problems(descriptor_path.parent, resource)
    return problems


def parquet_problems(base: Path, resource: dict[str, Any]) -> list[str]:
    from warehouse.validate import check_parquet

    table = resource["name"].removesuffix("-parquet")
    return [f"{resource['name']}: {v}" for v in check_parquet(base / resource["path"], table)]


def _point_latest(releases_dir: Path, version: str) -> None:
    tmp = releases_dir / f".{LATEST}-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(version)
    os.replace(tmp, releases_dir / LATEST)  # atomic: readers see the old or the new release
