"""Publishing recovers by itself from a run that stopped half-way: a complete release without
its links gets them, a version directory that does not verify is set aside (not re-published),
leftovers of a run are removed and never served, and a failure while the links are moved
never leaves `latest` ahead of `v<major>` and the releases index."""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest

from publish import integrity, serve
from publish.release import CONTENT, make_release

from support.runs import change_licensing, copy_corpus, release_run


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """1.0.0 from the demo, then 1.0.1 (a correction); the releases pages as they were after
    1.0.0, and the corpus."""
    tmp = tmp_path_factory.mktemp("recovery")
    corpus, data = copy_corpus(tmp), tmp / "data"
    release_run(data, corpus / "registry.csv")
    releases = data / "releases"
    after_first = {n: (releases / n).read_bytes() for n in ("index.html", "CHANGELOG.md")}
    change_licensing(corpus, 9)
    release_run(data, corpus / "registry.csv")
    return corpus, data, after_first


@pytest.fixture
def work(made, tmp_path):
    corpus, data, after_first = made
    copy = tmp_path / "data"
    shutil.copytree(data, copy, symlinks=True)
    return corpus / "registry.csv", copy, after_first


def links(releases):
    return {n: os.readlink(releases / n) for n in ("latest", "v1") if (releases / n).is_symlink()}


def test_releases_without_their_links_get_them_back(work):
    """The issue's repro: every later run failed with 「版本 1.0.1 已经存在」."""
    registry, data, _ = work
    releases = data / "releases"
    (releases / "latest").unlink()
    (releases / "v1").unlink()
    again = release_run(data, registry)
    assert (again.release()["version"], again.release()["created"]) == ("1.0.1", False)
    assert links(releases) == {"latest": "1.0.1", "v1": "1.0.1"}


def test_a_run_stopped_before_moving_the_links_is_finished_by_the_next(work):
    """1.0.1 renamed into place, then the run stopped: links and pages still at 1.0.0."""
    registry, data, after_first = work
    releases = data / "releases"
    pages = {n: (releases / n).read_bytes() for n in after_first}
    for name in ("latest", "v1"):
        (releases / name).unlink()
        (releases / name).symlink_to("1.0.0")
    for name, text in after_first.items():
        (releases / name).write_bytes(text)
    again = release_run(data, registry)
    assert (again.release()["version"], again.release()["created"]) == ("1.0.1", False)
    assert links(releases) == {"latest": "1.0.1", "v1": "1.0.1"}
    assert {n: (releases / n).read_bytes() for n in pages} == pages
    notes = again.metadata("release")["提醒 notes"]
    assert "中断" in notes and "1.0.1" in notes


def test_a_version_directory_that_does_not_verify_is_set_aside_and_made_again(work):
    """A directory existing is not a release: one flipped byte and it was never published."""
    registry, data, _ = work
    releases = data / "releases"
    for name in ("latest", "v1"):
        (releases / name).unlink()
        (releases / name).symlink_to("1.0.0")
    metrics = releases / "1.0.1" / "data" / "metrics.csv"
    flipped = bytearray(metrics.read_bytes())
    flipped[-2] ^= 1
    metrics.write_bytes(bytes(flipped))
    again = release_run(data, registry)
    assert (again.release()["version"], again.release()["created"]) == ("1.0.1", True)
    assert integrity.problems(releases / "1.0.1") == []
    assert links(releases) == {"latest": "1.0.1", "v1": "1.0.1"}
    aside = releases / ".unverified-1.0.1" / "data" / "metrics.csv"
    assert aside.read_bytes() == bytes(flipped)  # kept for a person to look at, not served


def test_leftovers_are_never_served_and_removed_by_the_next_run(work):
    registry, data, _ = work
    releases = data / "releases"
    (releases / ".staging-999999" / "data").mkdir(parents=True)
    (releases / ".staging-999999" / "data" / "metrics.csv").write_text("half", encoding="utf-8")
    (releases / ".index.html.999999.1.tmp").write_text("<p>half</p>", encoding="utf-8")
    (releases / ".CHANGELOG.md-x1y2").write_text("half", encoding="utf-8")
    running = serve.start(releases)
    base = f"http://127.0.0.1:{running.server_address[1]}"
    try:
        for path in (
            "/.staging-999999/data/metrics.csv",
            "/.index.html.999999.1.tmp",
            "/.CHANGELOG.md-x1y2",
            "/%2Estaging-999999/data/metrics.csv",
        ):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base + path, timeout=10)
            assert refused.value.code == 404, path
        with urllib.request.urlopen(base + "/latest/index.html", timeout=10) as ok:
            assert ok.status == 200
    finally:
        running.shutdown()
        running.server_close()
    release_run(data, registry)
    hidden = sorted(p.name for p in releases.iterdir() if p.name.startswith("."))
    assert hidden == [CONTENT]  # what the latest release was made from: the run's, not a leftover


def test_a_failure_while_moving_the_links_never_leaves_latest_ahead(made, tmp_path):
    """The link of the new major cannot be written (a directory is in its way, as a full disk
    would stop it): `latest` has not moved, the releases index already lists the release; once
    the obstacle is gone the next run finishes it."""
    _, data, _ = made
    releases = tmp_path / "releases"
    shutil.copytree(data / "releases" / "1.0.1", releases / "1.0.1")
    (releases / "latest").symlink_to("1.0.1")
    (releases / "v1").symlink_to("1.0.1")
    old = releases / "1.0.1"
    package = json.loads((old / "datapackage.json").read_text(encoding="utf-8"))
    metrics = next(r for r in package["resources"] if r["name"] == "metrics")
    metrics["schema"]["fields"] = metrics["schema"]["fields"][:-1]  # an older table structure
    (old / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), "utf-8")
    (old / integrity.MANIFEST).write_text(integrity.manifest(old), encoding="utf-8")
    (releases / "v2" / "in-the-way").mkdir(parents=True)
    db = data / "warehouse" / "xxgk.duckdb"
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with pytest.raises(OSError):
        make_release(db, releases, now=now, inputs={})
    assert (releases / "2.0.0").is_dir() and integrity.problems(releases / "2.0.0") == []
    assert links(releases) == {"latest": "1.0.1", "v1": "1.0.1"}
    assert "2.0.0/index.html" in (releases / "index.html").read_text(encoding="utf-8")
    shutil.rmtree(releases / "v2")
    again = make_release(db, releases, now=now, inputs={})
    assert (again.version, again.created) == ("2.0.0", False)
    assert links(releases) == {"latest": "2.0.0", "v1": "1.0.1"}
    assert os.readlink(releases / "v2") == "2.0.0"
