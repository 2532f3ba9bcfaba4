"""Versioned releases from real runs: SemVer bumps follow the changes, releases are immutable,
aliases move, every release records its inputs and passes `frictionless validate`."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

import schemas
from publish import integrity, release, versioning
from publish.release import CONTENT, make_release
from publish.versioning import Version, VersionRefused

from support.runs import (
    INDUSTRY,
    add_body_year,
    change_licensing,
    copy_corpus,
    digests,
    release_run,
)


@pytest.fixture(scope="module")
def sequence(tmp_path_factory):
    """1.0.0 from the demo, 1.0.1 after a correction, 1.1.0 after a new body-year, and the
    digests of each release directory taken right after it was made."""
    tmp = tmp_path_factory.mktemp("versions")
    corpus, data = copy_corpus(tmp), tmp / "data"
    releases = data / "releases"
    outputs, snapshots = [], {}
    outputs.append(release_run(data, corpus / "registry.csv"))
    snapshots["1.0.0"] = digests(releases / "1.0.0")
    change_licensing(corpus, 9)
    outputs.append(release_run(data, corpus / "registry.csv"))
    snapshots["1.0.1"] = digests(releases / "1.0.1")
    add_body_year(corpus)
    outputs.append(release_run(data, corpus / "registry.csv"))
    return corpus, data, outputs, snapshots


def test_versions_follow_the_kind_of_change(sequence):
    _, data, outputs, _ = sequence
    made = [o.release() for o in outputs]
    assert [(m["version"], m["bump"], m["created"]) for m in made] == [
        ("1.0.0", "initial", True),
        ("1.0.1", "patch", True),
        ("1.1.0", "minor", True),
    ]
    releases = data / "releases"
    assert (releases / "latest").resolve() == releases / "1.1.0"
    assert (releases / "v1").resolve() == releases / "1.1.0"
    assert [str(v) for v in versioning.versions(releases)] == ["1.0.0", "1.0.1", "1.1.0"]


def test_old_releases_are_byte_for_byte_unchanged(sequence):
    _, data, _, snapshots = sequence
    for version, before in snapshots.items():
        assert digests(data / "releases" / version) == before, version


def test_each_release_records_its_exact_inputs(sequence):
    corpus, data, _, _ = sequence
    inputs = json.loads((data / "releases" / "1.1.0" / "inputs.json").read_text(encoding="utf-8"))
    registry_bytes = (corpus / "registry.csv").read_bytes()
    assert inputs["registry_sha256"] == hashlib.sha256(registry_bytes).hexdigest()
    from pipelines.read.document import PARSER_VERSION

    assert inputs["parser_version"] == PARSER_VERSION
    assert inputs["schema_fingerprint"] == versioning.fingerprint(
        {n: schemas.load(n) for n in schemas.published_tables()}
    )
    docs = {(d["body_id"], d["year"]): d for d in inputs["documents"]}
    assert len(docs) == len(registry_bytes.decode("utf-8").strip().splitlines()) - 1
    for path in (corpus / "documents").iterdir():
        body, year = path.stem.rsplit("-", 1)
        assert docs[(body, int(year))]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert docs[("yongan-water-bureau", 2023)]["sha256"] is None  # missing: nothing to hash
    # The earlier release recorded the document as it was then.
    first = json.loads((data / "releases" / "1.0.0" / "inputs.json").read_text(encoding="utf-8"))
    old = {(d["body_id"], d["year"]): d["sha256"] for d in first["documents"]}
    assert old[(INDUSTRY, 2023)] != docs[(INDUSTRY, 2023)]["sha256"]


def test_every_release_passes_frictionless_validate(sequence):
    _, data, _, _ = sequence
    for version in ("1.0.0", "1.0.1", "1.1.0"):
        cli = subprocess.run(
            [
                str(Path(sys.executable).parent / "frictionless"),
                "validate",
                str(data / "releases" / version / "datapackage.json"),
            ],
            capture_output=True,
            text=True,
        )
        assert cli.returncode == 0, cli.stdout[-2000:]


def test_no_release_without_changes_unless_forced_and_bumps_cannot_go_below_the_rule(
    sequence, tmp_path
):
    corpus, data, _, _ = sequence
    work = tmp_path / "data"
    shutil.copytree(data, work, symlinks=True)
    registry = corpus / "registry.csv"
    same = release_run(work, registry).release()
    assert (same["version"], same["created"]) == ("1.1.0", False)

    forced = release_run(work, registry, force=True)
    assert forced.release()["version"] == "1.1.1"
    changes = json.loads((work / "releases" / "1.1.1" / "changes.json").read_text("utf-8"))
    assert all(not t["rows"] for t in changes["tables"].values())

    corpus2 = tmp_path / "corpus"
    shutil.copytree(corpus, corpus2)  # the module's corpus stays as the sequence left it
    doc = corpus2 / "documents" / f"{INDUSTRY}-2023.txt"
    doc.write_text(
        doc.read_text(encoding="utf-8").replace("行政许可\t9", "行政许可\t10"), encoding="utf-8"
    )
    # A correction may be released as a minor when asked for …
    minor = release_run(work, corpus2 / "registry.csv", bump="minor").release()
    assert (minor["version"], minor["bump"]) == ("1.2.0", "minor")
    # … but new data cannot ship as a patch: the run fails with the reason, nothing is released.
    add_body_year_again = (
        (corpus2 / "registry.csv")
        .read_text(encoding="utf-8")
        .replace(",2024,documents/yongan-education-bureau-2024.html", ",2025,documents/x-2025.html")
    )
    (corpus2 / "registry.csv").write_text(add_body_year_again, encoding="utf-8")
    refused = release_run(work, corpus2 / "registry.csv", raise_on_error=False, bump="patch")
    assert not refused.success
    failure = next(e for e in refused.result.all_events if e.is_step_failure)
    assert "至少要升次版本号" in failure.step_failure_data.error.message
    assert [str(v) for v in versioning.versions(work / "releases")] == [
        "1.0.0",
        "1.0.1",
        "1.1.0",
        "1.1.1",
        "1.2.0",
    ]


def test_a_schema_change_is_a_major_release(sequence, tmp_path):
    """The previous release had another table structure (here: its descriptor edited the way an
    older schema would read): the next release must be 2.0.0, never a minor or patch."""
    _, data, _, _ = sequence
    releases = tmp_path / "releases"
    shutil.copytree(data / "releases" / "1.1.0", releases / "1.1.0")
    (releases / "latest").symlink_to("1.1.0")
    descriptor = releases / "1.1.0" / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    metrics = next(r for r in package["resources"] if r["name"] == "metrics")
    metrics["schema"]["fields"] = metrics["schema"]["fields"][:-1]  # one column fewer
    descriptor.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    # as that release would have been published: its checksums agree with its descriptor
    manifest = releases / "1.1.0" / integrity.MANIFEST
    manifest.write_text(integrity.manifest(releases / "1.1.0"), encoding="utf-8")
    db = data / "warehouse" / "xxgk.duckdb"
    now = datetime(2026, 11, 26, tzinfo=UTC)
    for bump in ("minor", "patch"):
        with pytest.raises(VersionRefused, match="主版本号"):
            make_release(db, releases, now=now, inputs={}, bump=bump)
    made = make_release(db, releases, now=now, inputs={})
    assert (made.version, made.bump) == ("2.0.0", "major")
    assert made.changes["schema"]["changed"] is True
    assert (releases / "v2").resolve() == releases / "2.0.0"
    assert (releases / "v1").exists() is False or (releases / "v1").resolve().name == "1.1.0"
    assert sorted(p.name for p in releases.iterdir() if p.name.startswith(".")) == [CONTENT]


def test_a_warehouse_the_latest_release_was_made_from_is_not_exported_again(
    sequence, tmp_path, monkeypatch
):
    """The latest release records the content of the warehouse it was made from (its rows
    hashed in DuckDB, the exporting code): the same content again is no new release, decided
    without exporting a file, unless the latest release no longer verifies."""
    _, data, _, _ = sequence
    work = tmp_path / "data"
    shutil.copytree(data, work, symlinks=True)
    db, releases = work / "warehouse" / "xxgk.duckdb", work / "releases"
    now = datetime(2026, 12, 1, tzinfo=UTC)
    recorded = json.loads((releases / CONTENT).read_text(encoding="utf-8"))
    assert recorded == {"version": "1.1.0", "content": release.content_digest(db)}

    def no_export(*_args):
        raise AssertionError("exported although the content is the same")

    monkeypatch.setattr(release, "_export_all", no_export)
    kept = make_release(db, releases, now=now, inputs={})
    assert (kept.version, kept.created) == ("1.1.0", False)
    with (releases / "1.1.0" / "data" / "metrics.csv").open("ab") as f:
        f.write(b"\n")  # the latest release damaged: it must be made again, so exported
    with pytest.raises(AssertionError, match="exported"):
        make_release(db, releases, now=now, inputs={})
    monkeypatch.undo()
    with duckdb.connect(str(db)) as con:  # one row of the warehouse changed: another digest
        con.execute("UPDATE reports SET warnings = warnings + 1 WHERE rowid = 0")
    assert release.content_digest(db) != recorded["content"]


def test_bump_rules():
    assert versioning.next_version(None, None, "auto", force=False) == (Version(1, 0, 0), "initial")
    v = Version(1, 2, 3)
    assert versioning.next_version(v, None, "auto", force=False) is None
    assert versioning.next_version(v, None, "auto", force=True) == (Version(1, 2, 4), "patch")
    assert versioning.next_version(v, "patch", "auto", force=False) == (Version(1, 2, 4), "patch")
    assert versioning.next_version(v, "minor", "major", force=False) == (Version(2, 0, 0), "major")
    with pytest.raises(VersionRefused):
        versioning.next_version(v, "major", "minor", force=False)
    with pytest.raises(VersionRefused, match="auto、major、minor、patch"):
        versioning.next_version(v, "patch", "huge", force=False)
    assert Version.parse("1.10.0") > Version.parse("1.9.9")
    assert Version.parse("latest") is None


def test_fingerprint_ignores_wording_but_not_structure():
    tables = {n: schemas.load(n) for n in schemas.published_tables()}
    reworded = json.loads(json.dumps(tables))
    reworded["metrics"]["fields"][2]["description"] = "另一种说法"
    reworded["metrics"]["title"] = "别的标题"
    assert versioning.fingerprint(reworded) == versioning.fingerprint(tables)
    retyped = json.loads(json.dumps(tables))
    retyped["metrics"]["fields"][2]["type"] = "number"
    assert versioning.fingerprint(retyped) != versioning.fingerprint(tables)


def test_release_metadata_in_dagster_shows_version_changelog_and_catalog(sequence):
    _, data, outputs, _ = sequence
    meta = outputs[1].metadata("release")
    assert meta["版本 version"] == "1.0.1"
    assert meta["升级 bump"] == "修订号（数据更正） patch"  # Chinese first, the name beside
    assert meta["新版本 new version"] == "是 yes"  # not Python's True
    assert "修订号" in meta["更新日志 changelog"]
    catalog = Path(meta["数据目录网页 catalog"])
    assert catalog == data / "releases" / "1.0.1" / "index.html" and catalog.is_file()
    assert Path(meta["图表组件示例 widget example"]).is_file()
