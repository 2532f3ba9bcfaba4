"""What a researcher downloads: per-year and per-province CSV files beside the whole tables
(listed in datapackage.json and the catalog with sizes and sha256, the same bytes every time),
and the one column, `trusted`, that says which cells to use, read with DuckDB from the files."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

import schemas
from pipelines.files import file_sha256
from publish import subsets

from support import DEMO
from support.browser import browse
from support.runs import release_run


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    data = tmp_path_factory.mktemp("subsets")
    release_run(data, DEMO / "registry.csv")
    return (data / "releases" / "latest").resolve()


def csv(path) -> str:
    return f"read_csv('{path}', all_varchar = true, header = true)"


def parts(release, table: str, dimension: str) -> list:
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    return [
        r
        for r in package["resources"]
        if r.get("subset", {}).get("table") == table and r["subset"]["dimension"] == dimension
    ]


@pytest.mark.parametrize("table", schemas.published_tables())
def test_each_year_and_each_province_file_holds_exactly_its_rows(release, table):
    whole = release / "data" / f"{table}.csv"
    with duckdb.connect() as con:
        total = con.execute(f"SELECT count(*) FROM {csv(whole)}").fetchone()[0]
        dimensions = ["region"] + (["year"] if "year" in schemas.field_names(table) else [])
        for dimension in dimensions:
            files = parts(release, table, dimension)
            assert files, (table, dimension)
            union = " UNION ALL ".join(f"SELECT * FROM {csv(release / r['path'])}" for r in files)
            # the same rows, none twice, none lost
            assert con.execute(f"SELECT count(*) FROM ({union})").fetchone()[0] == total
            assert not con.execute(
                f"(SELECT * FROM {csv(whole)} EXCEPT ALL ({union})) UNION ALL "
                f"(({union}) EXCEPT ALL SELECT * FROM {csv(whole)})"
            ).fetchall()
            for r in files:
                rows = con.execute(f"SELECT * FROM {csv(release / r['path'])}").fetchall()
                assert len(rows) == r["subset"]["rows"]
                if dimension == "year":
                    assert {row[1] for row in rows} <= {r["subset"]["value"]}


def test_subset_files_are_listed_with_bytes_and_sha256_and_made_the_same_again(release, tmp_path):
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    listed = [r for r in package["resources"] if "subset" in r]
    # every year and province of the demo, for every table that has them
    assert {(r["subset"]["dimension"], r["subset"]["value"]) for r in listed} == {
        ("year", "2022"),
        ("year", "2023"),
        ("region", "350000"),
    }
    on_disk = sorted(
        p.relative_to(release).as_posix() for p in (release / "subsets").rglob("*.csv")
    )
    assert sorted(r["path"] for r in listed) == on_disk
    for r in listed:
        path = release / r["path"]
        assert r["bytes"] == path.stat().st_size and r["hash"] == f"sha256:{file_sha256(path)}"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    # made again from the same Parquet files: the same bytes
    again = tmp_path / "again"
    shutil.copytree(release / "data", again / "data")
    subsets.export(again, schemas.published_tables())
    for r in listed:
        assert (again / r["path"]).read_bytes() == (release / r["path"]).read_bytes(), r["path"]


def test_catalog_lists_each_subset_with_size_and_sha256_and_its_link_works(release):
    (page,) = browse(release.parent, [f"/{release.name}/index.html"], checkLinks=True)
    assert page["status"] == 200 and page["consoleErrors"] == []
    assert "按年度、按省份下载" in page["text"]
    assert "福建省 350000" in page["text"]  # a province by its name and code
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    listed = [r for r in package["resources"] if "subset" in r]
    # every table with a year, per year (two here), and every table with a body, per province
    tables = [schemas.load(t) for t in schemas.published_tables()]
    with_year = sum(any(f["name"] == "year" for f in t["fields"]) for t in tables)
    with_body = sum(any(f["name"] == "body_id" for f in t["fields"]) for t in tables)
    assert len(listed) == with_year * 2 + with_body
    for r in listed:
        assert r["hash"] in page["text"], r["path"]
        assert f"{r['bytes']:,} 字节" in page["text"], r["path"]
        link = next(x for x in page["links"] if x["href"].endswith("/" + r["path"]))
        assert link["status"] == 200


def test_a_researcher_keeps_the_trusted_cells_with_one_column(release):
    """`WHERE trusted` keeps exactly the cells of the real report read whole whose cells no
    error or warning names; the synthetic, erroneous and partial reports' cells are flagged."""
    data = release / "data"
    with duckdb.connect() as con:
        for table in ("proactive", "applications", "reviews_litigation", "metrics"):
            parquet, text = data / f"{table}.parquet", data / f"{table}.csv"
            kept = con.execute(
                f"SELECT DISTINCT body_id, year FROM '{parquet}' WHERE trusted"
            ).fetchall()
            assert kept == [("yongan-industry-it-bureau", 2023)], table
            # the CSV says the same
            assert (
                con.execute(f"SELECT count(*) FROM '{parquet}' WHERE trusted").fetchone()
                == con.execute(f"SELECT count(*) FROM read_csv('{text}') WHERE trusted").fetchone()
            )
            assert not con.execute(f"SELECT 1 FROM '{parquet}' WHERE trusted IS NULL").fetchall()
        flags = dict(
            con.execute(
                f"SELECT body_id, flags FROM '{data / 'metrics.parquet'}' WHERE year = 2023"
            ).fetchall()
        )
        assert flags["yongan-city-government"] == "synthetic"
        assert "error" in flags["yongan-market-regulation-bureau"].split(";")
        assert "report_not_parsed" in flags["yongan-transport-bureau"].split(";")
        named = con.execute(
            f"SELECT count(*) FROM '{data / 'applications.parquet'}' "
            "WHERE body_id = 'yongan-market-regulation-bureau' AND flags LIKE '%error%'"
        ).fetchone()[0]
        assert named > 0
    readme = (release / "README.md").read_text(encoding="utf-8")
    assert "## 哪些数据可以直接使用" in readme and "trusted = true" in readme


def test_a_second_release_exports_again_only_the_subsets_whose_rows_changed(release, tmp_path):
    """One cell of 2023 changed in the warehouse: the 2023 and the province files of the tables
    it changed are exported again, the 2022 files are the first release's; all are the bytes
    an export from scratch gives."""
    from datetime import UTC, datetime

    from publish.release import make_release

    data = tmp_path / "data"
    shutil.copytree(release.parent.parent, data, symlinks=True)
    db = data / "warehouse" / "xxgk.duckdb"
    with duckdb.connect(str(db)) as con:
        (body,) = con.execute(
            "SELECT min(body_id) FROM applications WHERE year = 2023 AND value IS NOT NULL"
        ).fetchone()
        con.execute(
            "UPDATE applications SET value = value + 1 WHERE body_id = ? AND year = 2023 "
            "AND value IS NOT NULL AND row = 'new_received' AND applicant = 'total'",
            [body],
        )
    first = (data / "releases" / "latest").resolve()
    second = make_release(db, data / "releases", now=datetime(2026, 12, 1, tzinfo=UTC), inputs={})
    assert second.created
    scratch = tmp_path / "scratch"
    shutil.copytree(second.path / "data", scratch / "data")
    subsets.export(scratch, schemas.published_tables())
    changed = subsets.changed(first, second.path, second.changes)
    assert ("applications", "year", "2023") in changed
    assert ("applications", "region", "350000") in changed
    assert not [c for c in changed if c[1:] == ("year", "2022")]  # 2022 is copied, not made
    for r in [r for r in second.resources if "subset" in r]:
        made = (second.path / r["path"]).read_bytes()
        assert made == (scratch / r["path"]).read_bytes(), r["path"]
        if r["subset"]["value"] == "2022":
            assert made == (first / r["path"]).read_bytes(), r["path"]
        assert r["hash"] == f"sha256:{file_sha256(second.path / r['path'])}"
