"""The whole asset graph on the demo corpus: statuses, warehouse, release, re-runs."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from publish.validation import frictionless_errors

from support import DEMO
from support.runs import digests, release_run

EXPECTED_STATUS = {
    ("yongan-housing-bureau", 2023): "failed",
    ("yongan-transport-bureau", 2023): "partial",
    ("yongan-water-bureau", 2023): "missing",
}


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    return data, release_run(data)


def test_every_registry_entry_appears_with_its_status(first):
    _, result = first
    reports = result.table("reports")
    registry_rows = (DEMO / "registry.csv").read_text(encoding="utf-8").strip().splitlines()[1:]
    assert len(reports) == len(registry_rows)
    for r in reports:
        assert r["status"] == EXPECTED_STATUS.get((r["body_id"], r["year"]), "parsed"), r
        if r["status"] != "parsed":
            assert r["status_reason"] and r["errors"] >= 1


def test_findings_and_checks_show_what_failed_and_why(first):
    _, result = first
    findings = result.table("findings")
    broken = [f for f in findings if f["body_id"] == "yongan-market-regulation-bureau"]
    assert {f["rule"] for f in broken} >= {"T3_ROW_TOTAL", "T3_OUTCOME_SUM"}
    evaluations = result.checks()
    assert evaluations["rows_match_schemas"].passed
    assert evaluations["tables_match_schemas"].passed
    assert evaluations["registry_rows_valid"].passed
    assert not evaluations["rule_T3_ROW_TOTAL"].passed
    assert not evaluations["every_report_read"].passed
    assert evaluations["rule_T4_TOTAL"].passed


def test_warehouse_answers_cross_agency_queries(first):
    data, _ = first
    con = duckdb.connect(str(data / "warehouse" / "xxgk.duckdb"), read_only=True)
    by_region = con.execute(
        "SELECT new_received, bodies FROM region_year_totals WHERE region_code = '350481' AND year = 2023"
    ).fetchone()
    direct = con.execute(
        "SELECT sum(value) FROM applications WHERE year = 2023 AND row = 'new_received' AND applicant = 'total'"
    ).fetchone()
    assert by_region[0] == direct[0] and by_region[1] == 9
    levels = dict(
        con.execute("SELECT level, bodies FROM level_year_totals WHERE year = 2023").fetchall()
    )
    assert levels == {"city_government": 1, "department": 8}
    summary = con.execute(
        "SELECT sum(reviews), sum(reviews_corrected), sum(lawsuits) FROM body_year_summary"
    ).fetchone()
    direct = con.execute(
        "SELECT sum(value) FILTER (WHERE proceeding = 'administrative_review' AND outcome = 'total'),"
        " sum(value) FILTER (WHERE proceeding = 'administrative_review' AND outcome = 'corrected'),"
        " sum(value) FILTER (WHERE proceeding <> 'administrative_review' AND outcome = 'total')"
        " FROM reviews_litigation"
    ).fetchone()
    assert summary == direct
    shares = con.execute(
        "SELECT min(share_granted), max(share_granted_or_partially) FROM outcome_shares"
    ).fetchone()
    assert 0 <= shares[0] <= shares[1] <= 1


def test_release_is_a_valid_frictionless_package(first):
    data, _ = first
    latest = data / "releases" / "latest"
    package = json.loads((latest / "datapackage.json").read_text(encoding="utf-8"))
    for key in (
        "name",
        "title",
        "version",
        "created",
        "licenses",
        "sources",
        "contributors",
        "resources",
    ):
        assert package[key], key
    names = {r["name"] for r in package["resources"]}
    assert {"reports", "reports-parquet", "applications", "findings-parquet"} <= names
    for r in package["resources"]:
        assert (
            r["hash"] == "sha256:" + hashlib.sha256((latest / r["path"]).read_bytes()).hexdigest()
        )
        assert r["bytes"] == (latest / r["path"]).stat().st_size
        assert r["schema"]["fields"] and r["mediatype"] and r["format"] in ("csv", "parquet")
    assert frictionless_errors(latest / "datapackage.json") == []
    cli = subprocess.run(
        [
            str(Path(sys.executable).parent / "frictionless"),
            "validate",
            str(latest / "datapackage.json"),
        ],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 0, cli.stdout[-2000:]
    assert (
        "synthetic"
        in (latest / "data" / "reports.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    )


def test_rerun_reuses_parses_and_makes_no_new_version(first):
    data, _ = first
    before = digests(data / "releases")
    again = release_run(data)
    assert again.launched.stale == []  # nothing any partition reads changed
    read = again.metadata("reports")
    assert read["新解析 parsed now"] == 0 and read["文件未变未读取 unchanged, not read"] == 1
    assert again.metadata("documents")["输入未变未收集 unchanged, not collected"] == 1
    assert again.release()["created"] is False
    assert digests(data / "releases") == before


def test_same_inputs_give_byte_identical_files_in_a_fresh_dir(first, tmp_path):
    data, _ = first
    release_run(tmp_path)
    assert digests(tmp_path / "releases" / "latest" / "data") == digests(
        data / "releases" / "latest" / "data"
    )


def test_changed_input_makes_a_new_version_and_keeps_the_old_one(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(DEMO, corpus)
    first = release_run(tmp_path / "data", corpus / "registry.csv").release()
    old = Path(first["path"])
    before = digests(old)
    doc = corpus / "documents" / "yongan-industry-it-bureau-2023.txt"
    doc.write_text(
        doc.read_text(encoding="utf-8").replace("行政许可\t8", "行政许可\t9"), encoding="utf-8"
    )
    run = release_run(tmp_path / "data", corpus / "registry.csv")
    assert run.launched.stale == ["2023-350481"]  # only the partition of the changed document
    second = run.release()
    assert second["created"] and second["version"] != first["version"]
    assert digests(old) == before
    assert (tmp_path / "data" / "releases" / "latest").resolve() == Path(second["path"])
    value = (
        duckdb.connect()
        .execute(
            f"SELECT value FROM read_parquet('{second['path']}/data/proactive.parquet') "
            "WHERE body_id = 'yongan-industry-it-bureau' AND item = 'administrative_licensing'"
        )
        .fetchone()
    )
    assert value == (9.0,)


def test_release_files_do_not_depend_on_where_the_corpus_lives(first, tmp_path):
    """The same inputs kept in another folder give the same bytes (no server paths leak)."""
    data, _ = first
    corpus = tmp_path / "elsewhere" / "corpus"
    shutil.copytree(DEMO, corpus)
    release_run(tmp_path / "data", corpus / "registry.csv")
    here = digests(data / "releases" / "latest" / "data")
    assert digests(tmp_path / "data" / "releases" / "latest" / "data") == here
    for csv_file in (data / "releases" / "latest" / "data").glob("*.csv"):
        assert str(DEMO.parent) not in csv_file.read_text(encoding="utf-8-sig"), csv_file.name


def test_demo_release_data_files_equal_the_recorded_digests(first):
    """The demo release is a regression oracle: refactors keep every data file byte for byte."""
    data, _ = first
    recorded = {}
    for line in (DEMO.parent / "tests" / "data" / "demo-release.sha256").read_text().splitlines():
        if line and not line.startswith("#"):
            digest, name = line.split()
            recorded[name] = digest
    assert digests(data / "releases" / "latest" / "data") == recorded
