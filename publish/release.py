"""Versioned releases: a Frictionless data package of every published table as CSV and Parquet,
with its changelog, catalog site and portal widget.

A release directory is never written again once in place. A new one is built in a staging
directory, checked with the real `frictionless validate`, then renamed into place, and the
`latest` and `v<major>` links are moved atomically. When the data files would be byte-identical
to the latest release, no new version is made (unless forced). Versions follow
publish/versioning.py (SemVer: major = schema change, minor = new data, patch = corrections).
"""

from __future__ import annotations

import hashlib
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
from pipelines import workers
from pipelines.datadir import TMP_SUFFIX, atomic_path, atomic_write, remove
from pipelines.files import file_sha256, files_sha256
from publish import bodies, catalog, changelog, integrity, subsets, versioning
from publish.docs import data_dictionary
from publish.export import export_table
from publish.validation import frictionless_errors
from warehouse.ddl import parquet, quote

LATEST = "latest"
WIDGET = Path(__file__).parent / "widget"
WIDGET_FILES = {"dist/xxgk-widget.js": "xxgk-widget.js", "example.html": "index.html"}
MEDIATYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


@dataclass(frozen=True)
class Release:
    version: str
    path: Path
    created: bool  # False when the inputs did not change and the latest release stands
    resources: list[dict[str, Any]]
    bump: str | None = None  # initial, major, minor, patch; None when no release was made
    summary: str = ""  # the Chinese changelog of this release (Markdown)
    changes: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was repaired or refused, in Chinese


def latest(releases_dir: Path) -> Path | None:
    link = releases_dir / LATEST
    return link.resolve() if link.exists() else None


def data_hashes(package: dict[str, Any]) -> dict[str, str]:
    return {r["path"]: r["hash"] for r in package["resources"]}


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _readable(path: Path) -> dict[str, Any] | None:
    try:
        return _read_json(path)
    except (OSError, ValueError):
        return None


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
    data did not change. The caller holds the data directory's lock (`pipelines.datadir.locked`):
    what an interrupted run left is finished or removed first (`settle`).
    """
    versioning.check_bump(bump)
    releases_dir.mkdir(parents=True, exist_ok=True)
    notes = settle(releases_dir)
    staging = releases_dir / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "data").mkdir(parents=True)
    try:
        previous = latest(releases_dir)
        content = content_digest(db_path)
        if not force and _same_content(releases_dir, previous, content):
            return _kept(staging, previous, _read_json(previous / "datapackage.json"), notes)  # type: ignore[operator]
        resources, documents = _export_all(db_path, staging)
        base, refused = verified_base(releases_dir, previous)
        notes += refused
        old = _read_json(base / "datapackage.json") if base else None
        fingerprint = versioning.fingerprint(
            {name: schemas.load(name) for name in schemas.published_tables()}
        )
        # no release verifies: the structure is still compared with the latest one's
        reference = old or (_readable(previous / "datapackage.json") if previous else None)
        old_fingerprint = versioning.package_fingerprint(reference) if reference else None
        if (
            old is not None
            and base == previous
            and not force
            and fingerprint == old_fingerprint
            and _whole(data_hashes(old)) == data_hashes({"resources": resources})
        ):
            _record_content(releases_dir, previous, content)  # type: ignore[arg-type]
            return _kept(staging, previous, old, notes)  # type: ignore[arg-type]
        diff = changelog.diff(base, staging, schemas.published_tables())
        same_schemas = old is not None and fingerprint == old_fingerprint
        parts, copied = _subset_resources(staging, old if same_schemas else None, base, diff)
        resources += parts
        required = (
            versioning.required_bump(fingerprint != old_fingerprint, diff) if reference else None
        )
        old_version = versioning.Version.parse(previous.name) if previous else None
        # a latest release that fails verification is replaced even when nothing changed
        chosen = versioning.next_version(
            old_version, required, bump, force=force or base != previous
        )
        if chosen is None:  # file bytes differ but no row and no schema did
            _record_content(releases_dir, previous, content)  # type: ignore[arg-type]
            return _kept(staging, previous, old, notes)  # type: ignore[arg-type]
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
            **({"notes": refused} if refused else {}),
        }
        package = descriptor(str(version), now, resources)
        inputs = {
            **inputs,
            "documents": documents,
            "schema_fingerprint": fingerprint,
            "duckdb_version": duckdb.__version__,
        }
        summary = _write_contents(staging, releases_dir, package, changes, inputs, base)
        changed = [(b["body_id"], b["year"]) for b in diff["body_years"]] if old else None
        # every data file was hashed as it was written, or verified in the base it was copied from
        hashed = frozenset(r["path"] for r in resources)
        problems = frictionless_errors(staging / "datapackage.json", changed, copied, hashed)
        if problems:
            raise ReleaseInvalid(problems)
        target = _put_in_place(staging, releases_dir, version)
        _record_content(releases_dir, target, content)
        return Release(str(version), target, True, resources, kind, summary, changes, notes)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


# The content digest of the latest release, or of the warehouse it was last kept for: a
# warehouse with the same digest would give the same files, so it is not exported again.
CONTENT = ".content.json"


def content_digest(db_path: Path) -> str:
    """What a release's data files are made from: every published table's rows (their count,
    the xor and the sum of their 64-bit hashes, computed in DuckDB in one pass: a table's rows
    are unique by its primary key, so none cancels out), the code and schemas that export them
    and the DuckDB that writes the files."""
    root = Path(__file__).parent.parent
    code = [
        *sorted((root / "publish").rglob("*.py")),
        *sorted((root / "warehouse").rglob("*.sql")),
        *sorted((root / "schemas").glob("*.json")),
        *(WIDGET / source for source in WIDGET_FILES),
    ]
    parts = [files_sha256(code), duckdb.__version__]
    with warehouse.connect(str(db_path), read_only=True) as con:
        for name in schemas.published_tables():
            rows = con.execute(
                "SELECT count(*), bit_xor(h), sum(h::HUGEINT) "
                f"FROM (SELECT hash(t) AS h FROM {quote(name)} AS t)"
            ).fetchone()
            parts.append(f"{name} {rows}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _same_content(releases_dir: Path, previous: Path | None, content: str) -> bool:
    """The latest release was made (or kept) from a warehouse with this content, and it still
    verifies: nothing to export, nothing to release."""
    recorded = _readable(releases_dir / CONTENT)
    return (
        previous is not None
        and recorded == {"version": previous.name, "content": content}
        and not integrity.problems(previous)
    )


def _record_content(releases_dir: Path, release: Path, content: str) -> None:
    atomic_write(
        releases_dir / CONTENT, json.dumps({"version": release.name, "content": content}) + "\n"
    )


# What an interrupted run leaves at the top of the releases directory: its staging directory,
# the validator's, and temporary files of atomic writes. All hidden (serve.py never serves a
# dot name) and removed by the next run, which holds the lock (no other run is writing them).
LEFTOVERS = (".staging-*", ".validate-*", f".*{TMP_SUFFIX}", f".{changelog.CHANGELOG}-*")
UNVERIFIED = ".unverified-"  # a version directory set aside: kept for a person to look at


def settle(releases_dir: Path) -> list[str]:
    """Finish or undo what an interrupted run left; the notes say, in Chinese, what was done.

    A version directory newer than `latest` that verifies (see publish.integrity) was renamed
    into place by a run that stopped before moving the links: it gets them. One that does not
    verify was not published whole: it is set aside as `.unverified-<version>` (kept for a person
    to look at, never served), so its version can be made again. The `v<major>` links and the releases pages are brought up to date.
    """
    for pattern in LEFTOVERS:
        for leftover in releases_dir.glob(pattern):
            remove(leftover)
    found = versioning.versions(releases_dir)
    if not found:
        return []
    current = _aliased(releases_dir)
    newer = [v for v in reversed(found) if current is None or v > current]
    complete = next((v for v in newer if not integrity.problems(releases_dir / str(v))), None)
    notes = []
    if complete is None and current is None:  # nothing verifies: the newest stays, as it is
        complete = newer[0]
        notes.append(f"没有一个版本通过校验；latest 指向最新的目录 {complete}。")
    for v in newer[: newer.index(complete)] if complete in newer else newer:
        aside = releases_dir / f"{UNVERIFIED}{v}"
        remove(aside)
        os.rename(releases_dir / str(v), aside)
        notes.append(
            f"版本目录 {v} 不完整或与校验值不符（latest 没有指向它）：已移到 {aside.name}，"
            "此版本号将重新发布。"
            f"Release directory {v} did not verify and was set aside."
        )
    chosen = complete or current
    if chosen != current:
        notes.append(
            f"上次运行在版本 {chosen} 放好之后、移动 latest 之前中断：已补上 latest 和 "
            f"v{chosen.major}。Interrupted release {chosen} completed."  # type: ignore[union-attr]
        )
    _point_aliases(releases_dir, chosen)  # type: ignore[arg-type]
    _write_releases_pages(releases_dir)
    return notes


def verified_base(releases_dir: Path, previous: Path | None) -> tuple[Path | None, list[str]]:
    """The release to diff against: the latest that verifies (a tampered file would show as
    rows changed that never were), and a note for each newer one that does not."""
    if previous is None:
        return None, []
    last = versioning.Version.parse(previous.name)
    notes = []
    for v in reversed([v for v in versioning.versions(releases_dir) if last is None or v <= last]):
        bad = integrity.problems(releases_dir / str(v))
        if not bad:
            return releases_dir / str(v), notes
        notes.append(
            f"注意：版本 {v} 的文件与校验值不符（{'；'.join(bad[:5])}），不与它比较，"
            f"本版的变化相对最后一个通过校验的版本计算（xxgk verify {v} 列出每个文件）。"
            f"Release {v} failed verification: not diffed against."
        )
    return None, notes


def _aliased(releases_dir: Path) -> versioning.Version | None:
    """The version `latest` points at, when it points at a version directory."""
    link = releases_dir / LATEST
    if not link.is_symlink() or not link.is_dir():
        return None
    return versioning.Version.parse(os.readlink(link))


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
    base: Path | None,
) -> str:
    """Everything beside the data files: descriptor, data dictionary, inputs, changelog,
    catalog site, widget; the body pages that did not change are copied from `base` (the
    latest release that verifies). Returns the Chinese changelog."""
    _write_json(staging / "datapackage.json", package)
    (staging / "README.md").write_text(data_dictionary(), encoding="utf-8")
    _write_json(staging / "inputs.json", inputs, sort_keys=True)
    _write_json(staging / changelog.CHANGES, changes)
    names = _names(staging)
    summary = changelog.summary(changes, names)
    (staging / changelog.CHANGELOG).write_text(summary, encoding="utf-8")
    history = [*release_history(releases_dir), _history_entry(changes)]
    catalog.write_site(staging, package, changes, history, names)
    copied = bodies.write_pages(staging, package, base, workers.default())
    _copy_widget(staging)
    # hashed once: the data files as they were described, the pages copied from the verified base
    before = integrity.listed(base) if base else {}
    known = {r["path"]: r["hash"].removeprefix("sha256:") for r in package["resources"]}
    known |= {name: before[name] for name in copied if name in before}
    (staging / integrity.MANIFEST).write_text(integrity.manifest(staging, known), encoding="utf-8")
    return summary


def _put_in_place(staging: Path, releases_dir: Path, version: versioning.Version) -> Path:
    """The checked release renamed into place, the releases pages and `v<major>` brought up to
    date, and `latest` moved last: nothing is left to fail once it has moved (an interrupted
    run is finished by the next one's `settle`)."""
    target = releases_dir / str(version)
    os.rename(staging, target)  # never onto an existing version: rename fails if it exists
    _write_releases_pages(releases_dir)
    _point_aliases(releases_dir, version)
    return target


def _point_aliases(releases_dir: Path, newest: versioning.Version) -> None:
    """`v<major>` at the newest release of each major up to `newest`, then `latest` at it."""
    by_major = {v.major: v for v in versioning.versions(releases_dir) if v <= newest}
    for major, v in sorted(by_major.items()):
        _point_alias(releases_dir, f"v{major}", str(v))
    _point_alias(releases_dir, LATEST, str(newest))


def _kept(staging: Path, previous: Path, old: dict[str, Any], notes: list[str]) -> Release:
    """No new version: the latest release stands."""
    shutil.rmtree(staging)
    return Release(old["version"], previous, False, old["resources"], notes=notes)


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


def _write_releases_pages(releases_dir: Path) -> None:
    """The cumulative CHANGELOG.md and index.html of the releases directory, replaced atomically
    when they differ from what the release directories give."""
    title = schemas.package()["title"]
    history = release_history(releases_dir)
    sections = [
        (releases_dir / h["version"] / changelog.CHANGELOG).read_text(encoding="utf-8")
        for h in reversed(history)
        if (releases_dir / h["version"] / changelog.CHANGELOG).is_file()
    ]
    _write_if_changed(releases_dir / changelog.CHANGELOG, changelog.cumulative(sections))
    _write_if_changed(releases_dir / "index.html", catalog.releases_index(history, title))


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        atomic_write(path, text)


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
    for fmt in ("csv", "parquet"):
        relative = f"data/{name}.{fmt}"
        export_table(con, name, staging / relative, fmt)
        resource_name = name if fmt == "csv" else f"{name}-parquet"
        out.append(_resource(staging, relative, resource_name, schema, fmt))
    return out


def _resource(
    staging: Path,
    relative: str,
    name: str,
    schema: dict[str, Any],
    fmt: str,
    known: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The descriptor of one data file of the release; `known`: the same file's resource in the
    release it was copied from (its bytes and hash, not read again)."""
    path = staging / relative
    resource: dict[str, Any] = {
        "name": name,
        "type": "table" if fmt == "csv" else "file",  # see frictionless_errors
        "title": schema["title"],
        "description": schema["description"],
        "path": relative,
        "format": fmt,
        "mediatype": MEDIATYPES[fmt],
        "bytes": known["bytes"] if known else path.stat().st_size,
        "hash": known["hash"] if known else f"sha256:{file_sha256(path)}",
        "schema": {k: v for k, v in schema.items() if k not in ("title", "description")},
    }
    if fmt == "csv":
        resource["encoding"] = "utf-8-sig"  # with BOM, so Excel opens Chinese text right
    return resource


def _whole(hashes: dict[str, str]) -> dict[str, str]:
    """The hashes of the whole tables' files (data/), not of the subsets made from them."""
    return {path: h for path, h in hashes.items() if path.startswith("data/")}


def _subset_resources(
    staging: Path, old: dict[str, Any] | None, base: Path | None, diff: dict[str, Any]
) -> tuple[list[dict[str, Any]], frozenset[str]]:
    """The per-year and per-region CSV files, written from the release's Parquet files, as
    resources (their `subset`: which table, which year or province, how many rows). With the
    `old` package of the `base` release (same schemas), a subset none of whose rows changed
    (`diff`) is copied from it with its hash, not exported again: the paths of those copied."""
    before = {r["path"]: r for r in old["resources"] if "subset" in r} if old else {}
    changed = subsets.changed(base, staging, diff) if before else set()
    out = []
    reused = {
        path: r
        for path, r in before.items()
        if (r["subset"]["table"], r["subset"]["dimension"], r["subset"]["value"]) not in changed
        and (r["subset"]["table"], subsets.ANY, subsets.ANY) not in changed
    }
    for table, dimension, value, relative, rows in subsets.export(
        staging, schemas.published_tables(), base, reused
    ):
        schema = schemas.load(table)
        which = f"{value}年" if dimension == "year" else f"省份 province {value}"
        known = reused.get(relative)
        resource = _resource(
            staging, relative, f"{table}-{dimension}-{value}", schema, "csv", known
        )
        resource["title"] = f"{schema['title']} · {which}"
        resource["description"] = (
            f"表 {table} 中{which}的行（与整表相同的列和排序）。Rows of {table} for {dimension} {value}."
        )
        resource["subset"] = {"table": table, "dimension": dimension, "value": value, "rows": rows}
        out.append(resource)
    return out, frozenset(reused)


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
    link = releases_dir / alias
    if link.is_symlink() and os.readlink(link) == version:
        return
    with atomic_path(link) as tmp:  # readers see the old or the new release
        tmp.symlink_to(version)
