"""The catalog's page per body, opened in headless Debian chromium from a loopback server: it
shows the warehouse's numbers (cells, metrics, percentiles among peers, similarity to the
previous report), flags the cells a finding names, links resolve, no script runs, names from
the data are escaped; and the index by region and level reaches every body."""

from __future__ import annotations

import hashlib
import json
import shutil

import duckdb
import pytest

from publish import bodies

from support import DEMO
from support.browser import browse
from support.portal import report
from support.runs import release_run

EVIL = "<script>alert(1)</script>"
# Two generated bodies of the demo's division and level, two years each: one copies its
# 2022 text in 2023 (its figures changed), the other writes anew.
OVERVIEW = "本年度，本局坚持以人民为中心，围绕优化营商环境推进政务公开，全年主动公开文件{n}件，办理申请均按期答复。"
PROBLEMS = (
    "一是公开内容更新不够及时，二是解读形式单一。下一步将完善发布审核机制，加强业务培训{n}次。"
)
NEW_OVERVIEW = "今年我局重点做好行政许可和行政处罚信息的公开，并上线了依申请公开的网上办理系统。"
NEW_PROBLEMS = "主要问题是基层工作人员业务不熟。明年计划开展专题培训，并建立政务公开考核制度。"
GENERATED = {
    "gen-copier": ("永安市统计局", {2022: (OVERVIEW, PROBLEMS), 2023: (OVERVIEW, PROBLEMS)}),
    "gen-writer": (
        "永安市审计局",
        {2022: (OVERVIEW, PROBLEMS), 2023: (NEW_OVERVIEW, NEW_PROBLEMS)},
    ),
}


def _generated_rows(corpus) -> str:
    from testkit.render.layout import layout
    from testkit.render.text import write_text

    lines = []
    for body_id, (name, years) in GENERATED.items():
        for year, (overview, problems) in years.items():
            prose = (overview.format(n=year - 1900), problems.format(n=year % 100))
            doc = corpus / "documents" / f"{body_id}-{year}.txt"
            doc.write_bytes(write_text(layout(report(name, year, seed=len(name)), prose=prose)))
            lines.append(
                f"{body_id},{name},永安市,350481,department,yongan-city-government,{year},"
                f"documents/{doc.name},true\n"
            )
    return "".join(lines)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bodies")
    corpus, data = tmp / "corpus", tmp / "data"
    shutil.copytree(DEMO, corpus)
    registry = corpus / "registry.csv"
    text = registry.read_text(encoding="utf-8").replace("永安市教育局", EVIL)
    registry.write_text(text + _generated_rows(corpus), encoding="utf-8")
    release_run(data, registry)
    return data


def query(data, sql: str, *args):
    with duckdb.connect(str(data / "warehouse" / "xxgk.duckdb"), read_only=True) as con:
        return con.execute(sql, list(args)).fetchall()


def tables(result: dict) -> dict[str, list[list[str]]]:
    return {t["id"]: t["rows"] for t in result["tables"]}


def shown(value) -> str:
    """How the page prints a metric: counts whole, rates to 4 decimals, none as —, the
    quality column `trusted` as 是/否."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


PAGES = [
    "/latest/bodies/index.html",
    "/latest/bodies/350000.html",
    "/latest/body/gen-copier.html",
    "/latest/body/gen-writer.html",
    "/latest/body/yongan-education-bureau.html",
]


def test_pages_render_links_resolve_no_script_runs(release):
    results = browse(release / "releases", PAGES, checkLinks=True)
    for r in results:
        assert r["status"] == 200, r["page"]
        assert r["consoleErrors"] == [] and r["pageErrors"] == [], r
        assert r["failed"] == [] and r["blocked"] == [] and r["dialogs"] == [], r
        assert r["scripts"] == 0, r["page"]
        broken = [link for link in r["links"] if link["status"] != 200]
        assert r["links"] and broken == [], (r["page"], broken)
    province = results[1]
    listed = {link["href"].rsplit("/", 1)[1] for link in province["links"]}
    bodies = {r[0] for r in query(release, "SELECT body_id FROM bodies")}
    assert {f"{b}.html" for b in bodies} <= listed  # the index reaches every body
    assert (
        "永安市（350481）" in province["text"] and "市政府工作部门 department" in province["text"]
    )
    assert EVIL in results[4]["text"] and EVIL in province["text"]  # shown as text, not run
    for page in (release / "releases" / "latest").rglob("*.html"):
        assert "<script>alert" not in page.read_text(encoding="utf-8"), page


def test_a_body_page_shows_the_warehouses_numbers_and_percentiles(release):
    [result] = browse(release / "releases", ["/latest/body/gen-copier.html"], tables=True)
    got = tables(result)
    # metrics over the years: a row per metric, a column per year
    metrics = query(release, "SELECT * FROM metrics WHERE body_id = ? ORDER BY year", "gen-copier")
    columns = [r[0] for r in query(release, "DESCRIBE metrics")]
    header, *rows = got["metrics"]
    assert header[1:] == [str(m[1]) for m in metrics] == ["2022", "2023"]
    by_metric = {row[0].rsplit(" ", 1)[1]: row[1:] for row in rows}
    for i, name in enumerate(columns[2:], start=2):
        assert by_metric[name] == [shown(m[i]) for m in metrics], name
    # among the bodies of the same level in the same division: 2023 has enough, 2022 not
    peers = query(
        release,
        "SELECT year, metric, peers, rank, percentile FROM peer_percentiles WHERE body_id = ?",
        "gen-copier",
    )
    rows = {(int(r[0]), r[1].rsplit(" ", 1)[1]): r for r in got["peers"][1:]}
    assert len(rows) == len(peers)
    assert any(p[4] is not None for p in peers) and any(p[4] is None for p in peers)
    for year, metric, n, rank, percentile in peers:
        row = rows[(year, metric)]
        assert row[3] == str(n)
        if percentile is None:
            assert n < 5 and row[4].startswith("可比机关不足5个")
        else:
            assert n >= 5 and row[4].startswith(f"{percentile:.1f}（第 {rank} 低")
    # the cells as read, in the template's rows and columns
    cells = query(
        release,
        "SELECT row, applicant, value FROM applications WHERE body_id = ? AND year = 2023",
        "gen-copier",
    )
    grid = got["t2023-applications"]
    columns = [c.split("\n")[-1] for c in grid[0]]
    printed = {
        (row[0].split("\n")[-1], columns[i]): value.split(" ⚑")[0]  # without a flag's mark
        for row in grid[1:]
        for i, value in enumerate(row)
        if i
    }
    assert printed == {(r, a): "" if v is None else str(v) for r, a, v in cells}


def test_a_near_copy_of_last_years_text_is_flagged_on_the_page(release):
    similarity = {
        (r[0], r[1]): r[2:]
        for r in query(
            release,
            "SELECT body_id, section, similarity, near_copy FROM text_similarity "
            "WHERE year = 2023 AND body_id LIKE 'gen-%'",
        )
    }
    assert similarity[("gen-copier", "overview")] == (1.0, True)
    assert similarity[("gen-copier", "problems")] == (1.0, True)
    assert similarity[("gen-writer", "overview")][1] is False
    assert similarity[("gen-writer", "problems")][1] is False
    assert similarity[("gen-writer", "overview")][0] < 0.2
    pages = ["/latest/body/gen-copier.html", "/latest/body/gen-writer.html"]
    copier, writer = (
        tables(r)["similarity"] for r in browse(release / "releases", pages, tables=True)
    )
    assert [r[1:] for r in copier[1:]] == [
        ["一、总体情况 overview", "2022", "1.0000", "疑似照搬上一份报告 near-copy"],
        ["五、存在的主要问题及改进情况 problems", "2022", "1.0000", "疑似照搬上一份报告 near-copy"],
    ]
    assert [r[4] for r in writer[1:]] == ["否 no", "否 no"]
    assert [r[3] for r in writer[1:]] == [
        f"{similarity[('gen-writer', s)][0]:.4f}" for s in ("overview", "problems")
    ]


def test_cells_a_finding_names_are_flagged_and_link_to_it(release):
    named = query(
        release,
        "SELECT body_id, year, finding_no, severity, cells FROM findings "
        "WHERE cells LIKE 'applications.%.%' AND severity = 'error' ORDER BY ALL LIMIT 1",
    )
    assert named, "the demo has an arithmetic error naming cells"
    body_id, year, no, severity, cells = named[0]
    [result] = browse(release / "releases", [f"/latest/body/{body_id}.html"], tables=True)
    table = next(t for t in result["tables"] if t["id"] == f"t{year}-applications")
    flagged = {(f["row"].split("\n")[-1], f["column"].split("\n")[-1]): f for f in table["flagged"]}
    for path in cells.split(";"):
        _section, row, column = path.split(".")
        cell = flagged[(row, column)]
        assert f"flag-{severity}" in cell["className"]
        assert str(no) in cell["text"].split("⚑")[1].split(",")  # the finding's number
        assert cell["background"] != "rgba(0, 0, 0, 0)"  # the flag is seen, not only marked up
    findings = tables(result)[f"f{year}"]
    assert any(r[0] == str(no) and r[2].startswith("错误") for r in findings[1:])


def test_body_pages_are_the_same_bytes_from_the_same_release(release, tmp_path):
    latest = (release / "releases" / "latest").resolve()
    package = json.loads((latest / "datapackage.json").read_text(encoding="utf-8"))
    copy = tmp_path / "copy"
    shutil.copytree(latest / "data", copy / "data")
    bodies.write_pages(copy, package)
    for folder in ("body", "bodies"):
        for page in sorted((latest / folder).iterdir()):
            again = copy / folder / page.name
            assert (
                hashlib.sha256(again.read_bytes()).digest()
                == hashlib.sha256(page.read_bytes()).digest()
            ), page.name


def test_a_release_renders_only_the_pages_whose_rows_changed(release, tmp_path, monkeypatch):
    """One cell of one body changed: its page alone is rendered again, the others are the
    previous release's, and every page is byte for byte what a release from scratch writes
    (rendered by two worker processes)."""
    latest = (release / "releases" / "latest").resolve()
    package = json.loads((latest / "datapackage.json").read_text(encoding="utf-8"))
    changed = "gen-writer"
    incremental, scratch = tmp_path / "incremental", tmp_path / "scratch"
    shutil.copytree(latest / "data", incremental / "data")
    table = incremental / "data" / "applications.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * REPLACE (CASE WHEN body_id = '{changed}' AND row = 'new_received' "
            f"AND applicant = 'total' THEN value + 1 ELSE value END AS value) "
            f"FROM read_parquet('{latest / 'data' / 'applications.parquet'}')) TO '{table}' "
            "(FORMAT parquet)"
        )
    shutil.copytree(incremental / "data", scratch / "data")
    pages = len(list((latest / "body").iterdir()))
    assert pages > 5
    copied = bodies.write_pages(incremental, package, latest)
    assert sorted(copied) == sorted(
        f"body/{p.name}" for p in (latest / "body").iterdir() if p.stem != changed
    )
    monkeypatch.setattr(bodies, "SPREAD_FROM", 2)
    assert bodies.write_pages(scratch, package, processes=2) == []  # spread over two workers
    assert sorted(p.name for p in scratch.iterdir()) == ["bodies", "body", "data"]
    for page in sorted((scratch / "body").iterdir()):
        again = (incremental / "body" / page.name).read_bytes()
        assert again == page.read_bytes(), page.name
        assert (again == (latest / "body" / page.name).read_bytes()) == (page.stem != changed)
