"""The portal widget in headless chromium: it reads the release's Parquet files over HTTP Range
from a loopback server (CORS on), every other request is blocked, and the numbers it draws are
the warehouse's."""

from __future__ import annotations

import json
import subprocess
import urllib.request

import duckdb
import pytest

from publish import serve

from support import DEMO, ROOT
from support.browser import browse
from support.runs import release_run

WIDGET = ROOT / "publish" / "widget"
SERIES = [
    "applications",
    "granted",
    "partially_granted",
    "denied",
    "unavailable",
    "not_processed",
    "other_processing",
]
# The same groups, straight from the section-三 rows of the warehouse (not from `metrics`).
WAREHOUSE_SERIES = """
SELECT year,
       sum(value) FILTER (WHERE row = 'new_received') AS applications,
       sum(value) FILTER (WHERE row = 'granted') AS granted,
       sum(value) FILTER (WHERE row = 'partially_granted') AS partially_granted,
       sum(value) FILTER (WHERE row LIKE 'denied%') AS denied,
       sum(value) FILTER (WHERE row LIKE 'unavailable%') AS unavailable,
       sum(value) FILTER (WHERE row LIKE 'not_processed%') AS not_processed,
       coalesce(sum(value) FILTER (WHERE row LIKE 'other%'), 0) AS other_processing
FROM applications WHERE applicant = 'total' AND body_id = ? GROUP BY year ORDER BY year
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data = tmp_path_factory.mktemp("widget")
    release_run(data, DEMO / "registry.csv")
    return data


def warehouse_bars(data, body: str) -> list[dict]:
    with duckdb.connect(str(data / "warehouse" / "xxgk.duckdb"), read_only=True) as con:
        rows = con.execute(WAREHOUSE_SERIES, [body]).fetchall()
    return [
        {"year": row[0], "series": s, "value": row[i]}
        for row in rows
        for i, s in enumerate(SERIES, start=1)
        if row[i] is not None
    ]


def test_chart_shows_the_warehouse_numbers_with_the_network_blocked(demo):
    (result,) = browse(
        demo / "releases",
        ["/latest/widget/index.html"],
        widget=True,
        choose="yongan-city-government",
    )
    assert result["consoleErrors"] == [] and result["pageErrors"] == [] and result["failed"] == []
    widget = result["widget"]
    assert widget["ready"] == "true", widget
    # The first body of the list is drawn first, then the chosen one.
    assert widget["bars"] == warehouse_bars(demo, widget["body"])
    assert result["chosen"] == warehouse_bars(demo, "yongan-city-government")
    assert {y["year"] for y in result["chosen"]} == {2022, 2023}
    with duckdb.connect(str(demo / "warehouse" / "xxgk.duckdb"), read_only=True) as con:
        names = con.execute("SELECT body_id, name FROM bodies").fetchall()
    assert sorted(map(tuple, widget["options"])) == sorted(names)

    # Only the loopback origin was asked; the Parquet files were read with Range requests.
    requests = result["requests"]
    assert all(r["url"].startswith("http://127.0.0.1:") for r in requests)
    parquet = [r for r in requests if r["url"].endswith(".parquet") and r["method"] == "GET"]
    assert parquet and all(r["status"] == 206 and r["range"] for r in parquet)
    downloaded = sum(r["bodyBytes"] for r in requests)
    print(
        f"\nwidget page downloads {downloaded:,} bytes in {len(requests)} requests: "
        + ", ".join(f"{r['url'].rsplit('/', 1)[1]} {r['bodyBytes']:,}" for r in requests)
    )


def test_requests_to_other_hosts_are_blocked(demo, tmp_path):
    """The check itself: a page that asks a foreign host is caught, not silently served."""
    page = demo / "releases" / "latest" / "widget" / "index.html"
    probe = tmp_path / "root"
    probe.mkdir()
    (probe / "probe.html").write_text(
        page.read_text(encoding="utf-8").replace(
            '<script type="module" src="xxgk-widget.js"></script>',
            '<img src="https://cdn.example.com/x.png" alt="">',
        ),
        encoding="utf-8",
    )
    (result,) = browse(probe, ["/probe.html"])
    assert result["blocked"] == ["https://cdn.example.com/x.png"]


def test_server_answers_range_requests_with_cors(demo):
    server = serve.start(demo / "releases")
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/latest/data/metrics.parquet"
        size = (demo / "releases" / "latest" / "data" / "metrics.parquet").stat().st_size
        request = urllib.request.Request(url, headers={"Range": f"bytes={size - 8}-"})
        with urllib.request.urlopen(request) as response:
            assert response.status == 206
            assert response.headers["Content-Range"] == f"bytes {size - 8}-{size - 1}/{size}"
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            assert response.read()[-4:] == b"PAR1"
    finally:
        server.shutdown()
        server.server_close()


def test_committed_bundle_is_the_build_of_the_sources(tmp_path):
    """dist/xxgk-widget.js (served with every release) is what `npm run build` makes."""
    esbuild = WIDGET / "node_modules" / ".bin" / "esbuild"
    if not esbuild.exists():
        pytest.skip("run `make setup` (npm ci) first")
    script = json.loads((WIDGET / "package.json").read_text(encoding="utf-8"))["scripts"]["build"]
    args = script.split()[1:]
    out = tmp_path / "xxgk-widget.js"
    args = [a if not a.startswith("--outfile=") else f"--outfile={out}" for a in args]
    subprocess.run([str(esbuild), *args], cwd=WIDGET, check=True, capture_output=True)
    assert out.read_bytes() == (WIDGET / "dist" / "xxgk-widget.js").read_bytes()


# What a reader must be told, from the warehouse's reports and cells (not from `metrics.flags`).
REPORT_FACTS = """
SELECT r.body_id, r.year, r.synthetic, r.errors, r.status,
       count(a.value) FILTER (WHERE a.applicant = 'total') AS applications_read,
       count(*) FILTER (WHERE starts_with(c.location, 'OCR')) AS ocr_cells
FROM reports AS r
LEFT JOIN applications AS a USING (body_id, year)
LEFT JOIN (SELECT body_id, year, location FROM proactive UNION ALL
           SELECT body_id, year, location FROM applications UNION ALL
           SELECT body_id, year, location FROM reviews_litigation) AS c USING (body_id, year)
WHERE r.status IN ('parsed', 'partial') AND r.body_id = ?
GROUP BY ALL ORDER BY r.year
"""


def expected_caveats(data, body: str) -> list[list]:
    with duckdb.connect(str(data / "warehouse" / "xxgk.duckdb"), read_only=True) as con:
        rows = con.execute(REPORT_FACTS, [body]).fetchall()
    out = [["synthetic", None]] if any(r[2] for r in rows) else []
    out += [["error", r[1]] for r in rows if r[3] > 0]
    out += [["ocr", r[1]] for r in rows if r[6] > 0]
    missing = [r for r in rows if r[4] == "partial" and r[5] == 0]
    out += [["section_missing", r[1]] for r in missing]
    out += [["report_not_parsed", r[1]] for r in rows if r[4] == "partial" and r not in missing]
    return out


# The demo's bodies: a synthetic one that is clean, one whose report has arithmetic errors, one
# whose report lacks section 三, and the real report (no caveat).
VISITED = [
    "yongan-city-government",
    "yongan-market-regulation-bureau",
    "yongan-transport-bureau",
    "yongan-industry-it-bureau",
]


def test_each_caveat_is_shown_in_chinese_next_to_the_chart(demo):
    (result,) = browse(demo / "releases", ["/latest/widget/index.html"], widget=True, visit=VISITED)
    assert result["consoleErrors"] == [] and result["pageErrors"] == [], result
    shown = {v["body"]: v["caveats"] for v in result["visited"]}
    for body in VISITED:
        assert [c[:2] for c in shown[body]] == expected_caveats(demo, body), body
    assert shown["yongan-city-government"] == [
        ["synthetic", None, "演示数据：本机关的数字是合成的，不是真实报告。"]
    ]
    assert ["error", 2023, "2023年：报告中发现错误（如勾稽关系不符），数字需核对。"] in shown[
        "yongan-market-regulation-bureau"
    ]
    assert [
        "section_missing",
        2023,
        "2023年：报告缺少第三部分（依申请公开情况），图中没有该年的申请数。",
    ] in shown["yongan-transport-bureau"]
    assert shown["yongan-industry-it-bureau"] == []


def test_ocr_and_a_report_read_in_part_are_said_too(demo, tmp_path):
    """Flags the demo has no body for, written into a copy of its metrics file: the widget says
    what the file's `flags` say, whatever body carries them."""
    import shutil

    root = tmp_path / "releases"
    shutil.copytree(demo / "releases" / "latest", root / "latest")
    metrics = root / "latest" / "data" / "metrics.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * REPLACE (CASE WHEN body_id = 'yongan-industry-it-bureau' "
            "THEN 'ocr;report_not_parsed' ELSE flags END AS flags) "
            f"FROM '{metrics}' ORDER BY body_id, year) TO '{tmp_path / 'm.parquet'}' (FORMAT parquet)"
        )
    shutil.copyfile(tmp_path / "m.parquet", metrics)
    (result,) = browse(
        root, ["/latest/widget/index.html"], widget=True, visit=["yongan-industry-it-bureau"]
    )
    assert result["visited"][0]["caveats"] == [
        ["ocr", 2023, "2023年：部分数字由图片文字识别（OCR）读出，可能有误。"],
        ["report_not_parsed", 2023, "2023年：报告未完整读取（缺少某部分），部分数字为空。"],
    ]
