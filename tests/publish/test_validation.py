"""A release too large for Frictionless to read whole is validated by a sample of every table,
every row of what changed (as its own package) and its files' sha256, while DuckDB checks every
row: each part finds what it is there to find."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from publish import validation
from publish.validation import frictionless_errors

from support.runs import release_run

CHANGED = [("yongan-finance-bureau", 2023)]


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    from pathlib import Path

    return Path(release_run(data).release()["path"])


@pytest.fixture
def sampled(monkeypatch, release, tmp_path):
    """A copy of the demo release, validated as if it were national: 5 rows of each table."""
    monkeypatch.setattr(validation, "FULL_ROWS", 10)
    monkeypatch.setattr(validation, "SAMPLE_ROWS", 5)
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    return copy


def test_a_valid_release_passes_whole_and_sampled(release, sampled):
    assert frictionless_errors(release / "datapackage.json") == []
    assert frictionless_errors(sampled / "datapackage.json", CHANGED) == []


def test_a_changed_file_is_caught_by_its_sha256_unless_the_caller_has_just_hashed_it(sampled):
    with (sampled / "data" / "applications.csv").open("ab") as f:
        f.write(b"\n")
    problems = frictionless_errors(sampled / "datapackage.json", CHANGED)
    assert any("applications" in p and "sha256" in p for p in problems), problems
    # the release hashes each file as it writes it: those files are not read again
    hashed = frozenset({"data/applications.csv"})
    problems = frictionless_errors(sampled / "datapackage.json", CHANGED, hashed=hashed)
    assert not any("sha256" in p for p in problems), problems


def test_a_bad_changed_row_is_caught_by_frictionless_and_by_duckdb(sampled):
    reports = sampled / "data" / "reports.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * REPLACE (CASE WHEN body_id = 'yongan-finance-bureau' AND year = 2023 "
            f"THEN 'bogus' ELSE status END AS status) FROM read_parquet('{reports}') ORDER BY body_id, year) "
            f"TO '{sampled}/reports.tmp.parquet' (FORMAT parquet)"
        )
    (sampled / "reports.tmp.parquet").replace(reports)
    problems = frictionless_errors(sampled / "datapackage.json", CHANGED)
    assert any(
        p.startswith("（有变化的行 changed rows）reports") and "bogus" in p for p in problems
    ), problems
    assert any(p.startswith("reports-parquet") and "status" in p for p in problems), problems
