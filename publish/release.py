"""Versioned releases: a Frictionless data package of every published table as CSV and Parquet,
with its changelog, catalog site and portal widget.

A release directory is never written again once in place. A new one is built in a staging
directory, checked with the real `frictionless validate`, then renamed into place, and the
`latest` and `v<major>` links are moved atomically. When the data files would be byte-identical
to the latest release, no new version is made (unless forced). Versions follow
publish/versioning.py (SemVer: major = schema change, minor = new data, patch = corrections).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

import schemas
import warehouse
from pipelines.datadir import atomic_path, atomic_write
from pipelines.files import file_sha256
from publish import catalog, changelog, versioning
from publish.docs import data_dictionary
from publish.export import export_table
from publish.validation import frictionless_errors
from warehouse.ddl import parquet

LATEST = "latest"
WIDGET = Path(__file__).parent / "widget"
WIDGET_FILES = {"dist/xxgk-widget.js": "xxgk-widget.js", "example.html": "index.html"}


@dataclass(frozen=True)
class Release:
    version: str
    path: Path
    created: bool  # False when the inputs did not change and the latest release stands
    resources: list[dict[str, Any]]
    bump: str | None = None  # initial, major, minor, patch; None when no release was made
    summary: str = ""  # the Chinese changelog of this release (Markdown)
    changes: dict[str, Any] = field(default_factory=dict)


def latest(releases_dir: Path) -> Path | None:
    link = releases_dir / LATEST
    return link.resolve() if link.exists() else None


def data_hashes(package: dict[str, Any]) -> dict[str, str]:
    return {r["path"]: r["hash"] for r in package["resources"]}


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _write_json(path: Path, data: Any, *, sort_keys: bool = False) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=sort_keys) + "\n"
    path.write_text(text, encoding="utf-8")


def make_release(
    db_path: Path,
    releases_dir: Path,
    *,
    now: datetime,
    inputs: dict[str, Any],
    bump: str = versioning.AUTO,
    force: bool = False,
) -> Release:
    """Export the warehouse to a new release, unless nothing changed since the latest one.

    `bump` is auto (the smallest the changes require), major, minor or patch; a bump lower than
    the changes require raises versioning.VersionRefused. `force` makes a release even when the
    data did not change.
    """
    versioning.check_bump(bump)
    releases_dir.mkdir(parents=True, exist_ok=True)
    staging = releases_dir / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "data").mkdir(parents=True)
    try:
        resources, documents = _export_all(db_path, staging)
        previous = latest(releases_dir)
        old = _read_json(previous / "datapackage.json") if previous else None
        fingerprint = versioning.fingerprint(
            {name: schemas.load(name) for name in schemas.published_tables()}
        )
        old_fingerprint = versioning.package_fingerprint(old) if old else None
        if (
            old is not None
            and not force
            and fingerprint == old_fingerprint
            and data_hashes(old) == data_hashes({"resources": resources})
        ):
            return _kept(staging, previous, old)  # type: ignore[arg-type]
        diff = changelog.diff(previous, staging, schemas.published_tables())
        required = versioning.required_bump(fingerprint != old_fingerprint, diff) if old else None
        old_version = versioning.Version.parse(old["version"]) if old else None
        chosen = versioning.next_version(old_version, required, bump, force=force)
        if chosen is None:  # file bytes differ but no row and no schema did
            return _kept(staging, previous, old)  # type: ignore[arg-type]
        version, kind = chosen
        if (releases_dir / str(version)).exists():
            raise versioning.VersionRefused(f"版本 {version} 已经存在，发布目录不能覆盖。")
        changes = {
            "version": str(version),
            "previous": old["version"] if old else None,
            "created": now.isoformat(timespec="seconds"),
            "bump": kind,
            "required_bump": required,
            "schema": _schema_change(fingerprint, old_fingerprint),
            **diff,
        }
        package = descriptor(str(version), now, resources)
        inputs = {
            **inputs,
            "documents": documents,
            "schema_fingerprint": fingerprint,
            "duckdb_version": duckdb.__version__,
        }
        summary = _write_contents(staging, releases_dir, package, changes, inputs)
        changed = [(b["body_id"], b["year"]) for b in diff["body_years"]] if old else None
        problems = frictionless_errors(staging / "datapackage.json", changed)
        if problems:
            raise ReleaseInvalid(problems)
        target = _put_in_place(staging, releases_dir, version)
        _write_releases_pages(releases_dir, package["title"])
        return Release(str(version), target, True, resources, kind, summary, changes)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _schema_change(fingerprint: str, previous: str | None) -> dict[str, Any]:
    return {
        "changed": previous is not None and fingerprint != previous,
        "fingerprint": fingerprint,
        "previous_fingerprint": previous,
    }


def _export_all(db_path: Path, staging: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every published table as CSV and Parquet in `staging/data`: their resources, and the
    documents they were read from (for inputs.json)."""
    con = warehouse.connect(str(db_path), read_only=True)
    try:
        resources = [
            resource
            for name in schemas.published_tables()
            for resource in _export(con, name, staging)
        ]
        cursor = con.execute(warehouse.sql("release_documents"))
        names = [d[0] for d in cursor.description]
        documents = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return resources, documents
    finally:
        con.close()


def _write_contents(
    staging: Path,
    releases_dir: Path,
    package: dict[str, Any],
    changes: dict[str, Any],
    inputs: dict[str, Any],
) -> str:
    """Everything beside the data files: descriptor, data dictionary, inputs, changelog,
    catalog site, widget. Returns the Chinese changelog."""
    _write_json(staging / "datapackage.json", package)
    (staging / "README.md").write_text(data_dictionary(), encoding="utf-8")
    _write_json(staging / "inputs.json", inputs, sort_keys=True)
    _write_json(staging / changelog.CHANGES, changes)
    names = _names(staging)
    summary = changelog.summary(changes, names)
    (staging / changelog.CHANGELOG).write_text(summary, encoding="utf-8")
    history = [*release_history(releases_dir), _history_entry(changes)]
    catalog.write_site(staging, package, changes, history, names)
    _copy_widget(staging)
    return summary


def _put_in_place(staging: Path, releases_dir: Path, version: versioning.Version) -> Path:
    """The checked release renamed into place, then `latest` and `v<major>` moved to it."""
    target = releases_dir / str(version)
    os.rename(staging, target)  # never onto an existing version: rename fails if it exists
    _point_alias(releases_dir, LATEST, str(version))
    _point_alias(releases_dir, f"v{version.major}", str(version))
    return target


def _kept(staging: Path, previous: Path, old: dict[str, Any]) -> Release:
    """No new version: the latest release stands."""
    shutil.rmtree(staging)
    return Release(old["version"], previous, False, old["resources"])


def _names(release: Path) -> dict[str, str]:
    source = parquet(release / "data" / "bodies.parquet")
    with warehouse.connect() as con:
        return dict(con.execute(f"SELECT body_id, name FROM {source}").fetchall())


def _history_entry(changes: dict[str, Any]) -> dict[str, Any]:
    return {"version": changes["version"], "created": changes["created"], "bump": changes["bump"]}


def release_history(releases_dir: Path) -> list[dict[str, Any]]:
    """Every release in the directory, oldest first, with its date and bump."""
    history = []
    for v in versioning.versions(releases_dir):
        folder = releases_dir / str(v)
        changes = folder / changelog.CHANGES
        if changes.is_file():
            history.append(_history_entry(_read_json(changes)))
        elif (folder / "datapackage.json").is_file():  # made before changelogs existed
            package = _read_json(folder / "datapackage.json")
            history.append({"version": str(v), "created": package.get("created", ""), "bump": None})
    return history


def _write_releases_pages(releases_dir: Path, title: str) -> None:
    """The cumulative CHANGELOG.md and index.html of the releases directory, replaced atomically."""
    history = release_history(releases_dir)
    sections = [
        (releases_dir / h["version"] / changelog.CHANGELOG).read_text(encoding="utf-8")
        for h in reversed(history)
        if (releases_dir / h["version"] / changelog.CHANGELOG).is_file()
    ]
    atomic_write(releases_dir / changelog.CHANGELOG, changelog.cumulative(sections))
    atomic_write(releases_dir / "index.html", catalog.releases_index(history, title))


def _copy_widget(staging: Path) -> None:
    (staging / "widget").mkdir()
    for source, target in WIDGET_FILES.items():
        shutil.copyfile(WIDGET / source, staging / "widget" / target)


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
            "hash": f"sha256:{file_sha256(path)}",
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


def _point_alias(releases_dir: Path, alias: str, version: str) -> None:
    with atomic_path(releases_dir / alias) as tmp:  # readers see the old or the new release
        tmp.symlink_to(version)
