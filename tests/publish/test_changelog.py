"""The changelog of a release: the machine-readable diff and the Chinese summary."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from publish import changelog

from support import DEMO
from support.runs import INDUSTRY, add_body_year, change_licensing, release_run


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """1.0.0 from the demo; 1.0.1 with 行政许可 8 → 9 in the real report; 1.1.0 with one more
    body-year in the registry."""
    tmp = tmp_path_factory.mktemp("changelog")
    corpus, data = tmp / "corpus", tmp / "data"
    shutil.copytree(DEMO, corpus)
    release_run(data, corpus / "registry.csv")
    change_licensing(corpus, 9)
    release_run(data, corpus / "registry.csv")
    add_body_year(corpus)
    release_run(data, corpus / "registry.csv")
    return data / "releases"


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_correction_shows_old_and_new_values_keyed_by_primary_key(releases):
    changes = load(releases / "1.0.1" / "changes.json")
    assert (changes["version"], changes["previous"], changes["bump"]) == ("1.0.1", "1.0.0", "patch")
    assert changes["schema"]["changed"] is False
    proactive = changes["tables"]["proactive"]
    assert (proactive["added"], proactive["removed"], proactive["changed"]) == (0, 0, 1)
    assert proactive["rows"] == [
        {
            "change": "changed",
            "key": {
                "body_id": INDUSTRY,
                "year": 2023,
                "item": "administrative_licensing",
                "measure": "decisions",
            },
            "old": {"value": 8.0, "printed": "8"},
            "new": {"value": 9.0, "printed": "9"},
        }
    ]
    # Only the report whose document changed: its sha256 in `reports`, nothing else.
    reports = changes["tables"]["reports"]
    assert reports["changed"] == 1 and set(reports["rows"][0]["new"]) == {"sha256"}
    for table in ("applications", "reviews_litigation", "bodies", "metrics"):
        assert changes["tables"][table]["rows"] == [], table
    assert changes["body_years"] == [
        {
            "body_id": INDUSTRY,
            "year": 2023,
            "added": {},
            "removed": {},
            "changed": {"proactive": 1, "reports": 1},
        }
    ]


def test_new_data_lists_the_added_rows_per_body_year(releases):
    changes = load(releases / "1.1.0" / "changes.json")
    assert changes["bump"] == "minor"
    added = [r for r in changes["tables"]["reports"]["rows"] if r["change"] == "added"]
    assert [r["key"] for r in added] == [{"body_id": "yongan-education-bureau", "year": 2024}]
    assert added[0]["new"]["status"] == "missing"
    years = {(b["body_id"], b["year"]): b for b in changes["body_years"]}
    assert years[("yongan-education-bureau", 2024)]["added"]["reports"] == 1
    assert all(not b["removed"] for b in changes["body_years"])


def test_chinese_summary_in_each_release_and_cumulative_newest_first(releases):
    patch = (releases / "1.0.1" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "相对上一版 1.0.0：升修订号（数据更正）" in patch
    assert "表结构未变" in patch
    assert (
        "永安市工业和信息化局（yongan-industry-it-bureau） 2023 年：修改 reports 1 行、proactive 1 行"
        in patch
    )
    assert (
        "| proactive | yongan-industry-it-bureau / 2023 / administrative_licensing / decisions | value | 8.0 | 9.0 |"
        in patch
    )
    minor = (releases / "1.1.0" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert (
        "升次版本号（新增数据）" in minor
        and "永安市教育局（yongan-education-bureau） 2024 年：新增" in minor
    )
    total = (releases / "CHANGELOG.md").read_text(encoding="utf-8")
    positions = [total.index(f"## {v}（") for v in ("1.1.0", "1.0.1", "1.0.0")]
    assert positions == sorted(positions)
    assert patch in total and minor in total


def test_diff_of_a_table_added_removed_changed_null_to_zero(tmp_path):
    con = duckdb.connect()
    sources = {}
    for side, rows in (
        ("old", "('a', 'A', 10), ('b', 'B', NULL), ('c', 'C', 5)"),
        ("new", "('a', 'A', 11), ('b', 'B', 0), ('d', 'D', 1)"),
    ):
        path = tmp_path / f"{side}.parquet"
        con.execute(
            f"COPY (SELECT * FROM (VALUES {rows}) t(body_id, name, n)) TO '{path}' (FORMAT parquet)"
        )
        sources[side] = f"read_parquet('{path}')"
    d = changelog.diff_table(con, "bodies", sources["old"], sources["new"])  # keyed by body_id
    assert d["key"] == ["body_id"]
    assert (d["added"], d["removed"], d["changed"]) == (1, 1, 2)
    assert d["rows"] == [
        {"change": "added", "key": {"body_id": "d"}, "new": {"name": "D", "n": 1}},
        {"change": "removed", "key": {"body_id": "c"}, "old": {"name": "C", "n": 5}},
        {"change": "changed", "key": {"body_id": "a"}, "old": {"n": 10}, "new": {"n": 11}},
        {"change": "changed", "key": {"body_id": "b"}, "old": {"n": None}, "new": {"n": 0}},
    ]
    # A table new in this release: every row added.
    fresh = changelog.diff_table(con, "metrics", None, sources["new"])
    assert (fresh["added"], fresh["removed"], fresh["changed"]) == (3, 0, 0)
    assert changelog.body_years({"bodies": d})[0] == {
        "body_id": "a",
        "year": None,
        "added": {},
        "removed": {},
        "changed": {"bodies": 1},
    }


def test_the_catalogs_changelog_page_lists_each_erratum_as_the_changelog_does():
    from publish import catalog

    row = {
        "change": "changed",
        "key": {"body_id": "b", "year": 2023, "row": "granted", "applicant": "total"},
        "old": {"value": 16, "correction_id": None, "correction_reason": None},
        "new": {"value": 15, "correction_id": "C0001", "correction_reason": "<b>核对</b>"},
    }
    empty = {"added": 0, "removed": 0, "changed": 0, "rows": []}
    changes = {
        "version": "1.0.1",
        "previous": "1.0.0",
        "bump": "patch",
        "schema": {"changed": False},
        "body_years": [],
        "tables": {"reports": empty, "applications": {**empty, "changed": 1, "rows": [row]}},
    }
    names = {"b": "永安市<i>局</i>"}
    (line,) = [x for x in changelog.errata(changes, names) if x.startswith("- ")]
    page = catalog.changelog_page(changes, names)
    item = (
        "永安市&lt;i&gt;局&lt;/i&gt; 2023 年「予以公开 / 总计（收到和处理政府信息公开申请情况）」"
    )
    assert f"<li>{item}：16 → 15（更正 C0001，原因：&lt;b&gt;核对&lt;/b&gt;）</li>" in page
    assert line.startswith("- 永安市") and "16 → 15（更正 C0001，原因：" in line
    assert page.index('id="errata"') < page.index("修改的值")
