"""`xxgk serve` as a browser meets it: text files said to be UTF-8 (README.md, CHANGELOG.md,
CSV and JSON show Chinese, not mojibake) and pages that name their icon (no favicon.ico 404)."""

from __future__ import annotations

import urllib.request

import pytest

from publish import serve

from support import DEMO
from support.browser import browse
from support.runs import release_run


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    data = tmp_path_factory.mktemp("serve")
    release_run(data, DEMO / "registry.csv")
    return data / "releases"


# page → Chinese text it must show as such
TEXT_FILES = {
    "/CHANGELOG.md": "更新日志",
    "/latest/CHANGELOG.md": "首次发布",
    "/latest/README.md": "哪些数据可以直接使用",
    "/latest/datapackage.json": "政府信息公开工作年度报告数据",
}


def test_text_files_are_sent_as_utf8_and_read_as_chinese_in_chromium(releases):
    results = browse(releases, list(TEXT_FILES))
    for r in results:
        assert r["status"] == 200, r["page"]
        assert r["contentType"].endswith("; charset=utf-8"), (r["page"], r["contentType"])
        assert TEXT_FILES[r["page"]] in r["text"], r["page"]


def test_csv_whole_or_ranged_is_sent_as_utf8(releases):
    """Chromium downloads a CSV rather than showing it: its header is checked over HTTP."""
    server = serve.start(releases)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/latest/data/bodies.csv"
        for headers, status in (({}, 200), ({"Range": "bytes=0-9"}, 206)):
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
                assert response.status == status
                assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        parquet = url.replace("bodies.csv", "bodies.parquet")
        with urllib.request.urlopen(parquet) as response:  # binary files keep their type
            assert "charset" not in response.headers["Content-Type"]
    finally:
        server.shutdown()
        server.server_close()


CATALOG_PAGES = [
    "/index.html",
    "/latest/index.html",
    "/latest/changelog.html",
    "/latest/tables/reports.html",
    "/latest/reports/350000.html",
    "/latest/widget/index.html",
]


def test_every_page_names_its_icon_inline(releases):
    """A page without an icon link makes the browser ask for /favicon.ico, a 404 in the log."""
    for r in browse(releases, CATALOG_PAGES):
        assert r["status"] == 200, r["page"]
        assert r["icon"] and r["icon"].startswith("data:image/svg+xml,"), r["page"]
        assert not [q for q in r["requests"] if "favicon" in q["url"]], r["page"]
