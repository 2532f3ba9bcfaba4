"""The catalog site of a release, opened in headless Debian chromium from a loopback server:
pages render, every link resolves, no console errors, and names from the data are escaped."""

from __future__ import annotations

import json
import shutil

import pytest

from support import DEMO
from support.browser import browse
from support.runs import change_licensing, release_run

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """Two releases of a registry in which one body is named like a script."""
    tmp = tmp_path_factory.mktemp("catalog")
    corpus, data = tmp / "corpus", tmp / "data"
    shutil.copytree(DEMO, corpus)
    registry = corpus / "registry.csv"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace("永安市财政局", EVIL), encoding="utf-8"
    )
    release_run(data, registry)
    change_licensing(corpus, 9)
    release_run(data, registry)
    return data / "releases"


PAGES = [
    "/index.html",
    "/1.0.0/index.html",
    "/1.0.1/index.html",
    "/latest/changelog.html",
    "/latest/tables/bodies.html",
    "/latest/tables/metrics.html",
    "/latest/tables/applications.html",
    "/latest/reports/350000.html",
]


def test_pages_render_links_resolve_no_console_errors(releases):
    results = browse(releases, PAGES, checkLinks=True)
    assert [r["page"] for r in results] == PAGES
    for r in results:
        assert r["status"] == 200, r["page"]
        assert r["consoleErrors"] == [] and r["pageErrors"] == [], r
        assert r["failed"] == [] and r["blocked"] == [], r
        broken = [link for link in r["links"] if link["status"] != 200]
        assert r["links"] and broken == [], (r["page"], broken)
    index = results[2]
    for text in ("数据表 · Tables", "metrics", "问题与读取状态", "版本 · Releases", "1.0.0"):
        assert text in index["text"], text
    linked = {link["href"].split("/", 3)[3] for link in index["links"]}
    assert {"1.0.1/data/metrics.parquet", "1.0.1/data/metrics.csv", "1.0.0/index.html"} <= linked
    assert "sha256:" in index["text"]
    changelog = results[3]
    assert "administrative_licensing" in changelog["text"] and "修改的值" in changelog["text"]
    dictionary = results[5]
    assert (
        "实质公开率" in dictionary["text"]
        and "(granted + partially_granted) / handled" in (dictionary["text"])
    )


def test_names_from_the_data_are_escaped(releases):
    results = browse(releases, ["/latest/reports/350000.html", "/latest/changelog.html"])
    listing = results[0]
    assert listing["dialogs"] == [] and listing["scripts"] == 0
    assert EVIL in listing["text"]  # shown as text, not run
    assert "福建省" in listing["text"]  # the province's page, reached from the index
    source = (releases / "latest" / "reports" / "350000.html").read_text(encoding="utf-8")
    assert EVIL not in source and "&lt;script&gt;alert(1)&lt;/script&gt;" in source
    for page in (releases / "latest").rglob("*.html"):
        assert "<script>alert" not in page.read_text(encoding="utf-8"), page


def test_coverage_is_shown_when_the_release_has_it(releases):
    package = json.loads((releases / "latest" / "datapackage.json").read_text(encoding="utf-8"))
    has = any(r["name"] == "coverage" for r in package["resources"])
    text = (releases / "latest" / "index.html").read_text(encoding="utf-8")
    assert ("覆盖情况 · Coverage" in text) is has
