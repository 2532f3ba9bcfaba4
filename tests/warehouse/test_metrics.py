"""The derived `metrics` table: computed in SQL in the warehouse, published in every release,
equal to the formulas of its schema recomputed here from the long tables."""

from __future__ import annotations

import csv
import math
from collections import defaultdict

import duckdb
import pytest

import schemas
from warehouse.ddl import DUCKDB_TYPES

from support import DEMO
from support.runs import release_run


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data = tmp_path_factory.mktemp("metrics")
    result = release_run(data, DEMO / "registry.csv")
    return data, {n: result.table(n) for n in ("reports", "applications", "reviews_litigation")}


def expected(tables):
    """The schema's formulas, in Python, over the published long tables."""
    app, rev = defaultdict(dict), defaultdict(dict)
    present_app, present_rev = set(), set()
    for r in tables["applications"]:
        if r["applicant"] != "total":
            continue
        key = (r["body_id"], r["year"])
        present_app |= {key} if r["value"] is not None else set()
        group = next(
            (
                g
                for g in ("denied", "unavailable", "not_processed", "other")
                if r["row"].startswith(g + "_")
            ),
            r["row"],
        )
        app[key][group] = app[key].get(group, 0) + (r["value"] or 0)
    for r in tables["reviews_litigation"]:
        key = (r["body_id"], r["year"])
        present_rev |= {key} if r["value"] is not None else set()
        if r["outcome"] == "total":
            kind = "reviews" if r["proceeding"] == "administrative_review" else "lawsuits"
            rev[key][kind] = rev[key].get(kind, 0) + (r["value"] or 0)
        elif r["outcome"] == "corrected" and r["proceeding"] == "administrative_review":
            rev[key]["reviews_corrected"] = r["value"] or 0

    def ratio(a, b):
        return None if a is None or b in (None, 0) else a / b

    out = {}
    read = {
        (r["body_id"], r["year"]) for r in tables["reports"] if r["status"] in ("parsed", "partial")
    }
    for key in read:
        a = app[key] if key in present_app else {}
        d = rev[key] if key in present_rev else {}
        prev = (key[0], key[1] - 1)
        previous = app[prev].get("new_received") if prev in read and prev in present_app else None
        m = {
            "applications": a.get("new_received"),
            "handled": a.get("total_handled"),
            "granted": a.get("granted"),
            "partially_granted": a.get("partially_granted"),
            "denied": a.get("denied"),
            "unavailable": a.get("unavailable"),
            "not_processed": a.get("not_processed"),
            "other_processing": a.get("other"),
            "reviews": d.get("reviews"),
            "reviews_corrected": d.get("reviews_corrected"),
            "lawsuits": d.get("lawsuits"),
            "applications_previous_year": previous,
        }
        granted = None if not a else m["granted"] + m["partially_granted"]
        disputes = None if not d else m["reviews"] + m["lawsuits"]
        m["substantive_disclosure_rate"] = ratio(granted, m["handled"])
        m["denial_rate"] = ratio(m["denied"], m["handled"])
        m["review_correction_rate"] = ratio(m["reviews_corrected"], m["reviews"])
        per = ratio(disputes, m["applications"])
        m["disputes_per_100_applications"] = None if per is None else 100 * per
        change = (
            None if m["applications"] is None or previous is None else m["applications"] - previous
        )
        m["applications_yoy_change"] = ratio(change, previous)
        out[key] = m
    return out


def test_published_metrics_follow_the_documented_formulas(demo):
    data, tables = demo
    path = data / "releases" / "latest" / "data" / "metrics.parquet"
    cursor = duckdb.connect().execute(f"SELECT * FROM read_parquet('{path}')")
    names = [d[0] for d in cursor.description]
    assert names == schemas.field_names("metrics")
    published = {(r[0], r[1]): dict(zip(names[2:], r[2:], strict=True)) for r in cursor.fetchall()}
    want = expected(tables)
    assert set(published) == set(want)
    for key, metrics in want.items():
        for name, value in metrics.items():
            got = published[key][name]
            if value is None or got is None:
                assert got is value, (key, name, got, value)
            else:
                assert math.isclose(got, value, rel_tol=1e-12), (key, name, got, value)


def test_rates_are_null_not_zero_or_nan_where_the_denominator_is_zero(demo):
    data, _ = demo
    release = data / "releases" / "latest" / "data"
    con = duckdb.connect()
    # The real report: no applications at all, so no rate can be computed.
    row = con.execute(
        f"SELECT handled, substantive_disclosure_rate, denial_rate, disputes_per_100_applications "
        f"FROM read_parquet('{release / 'metrics.parquet'}') WHERE body_id = 'yongan-industry-it-bureau'"
    ).fetchone()
    assert row == (0, None, None, None)
    rates = [f["name"] for f in schemas.load("metrics")["fields"] if f["type"] == "number"]
    nans = con.execute(
        f"SELECT count(*) FROM read_parquet('{release / 'metrics.parquet'}') WHERE "
        + " OR ".join(f"isnan({r})" for r in rates)
    ).fetchone()
    assert nans == (0,)
    with (release / "metrics.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = {r["body_id"]: r for r in csv.DictReader(f)}
    assert rows["yongan-industry-it-bureau"]["substantive_disclosure_rate"] == ""
    # A report without section 三: its counts are NULL, not 0.
    assert rows["yongan-transport-bureau"]["applications"] == ""
    # Year-on-year change where the previous year was read.
    finance = con.execute(
        f"SELECT applications, applications_previous_year, applications_yoy_change "
        f"FROM read_parquet('{release / 'metrics.parquet'}') "
        "WHERE body_id = 'yongan-finance-bureau' AND year = 2023"
    ).fetchone()
    assert finance[2] == (finance[0] - finance[1]) / finance[1]


def test_the_warehouse_view_has_the_schema_types_and_every_field_states_its_formula(demo):
    data, _ = demo
    with duckdb.connect(str(data / "warehouse" / "xxgk.duckdb"), read_only=True) as con:
        described = [(r[0], r[1]) for r in con.execute("DESCRIBE metrics").fetchall()]
    fields = schemas.load("metrics")["fields"]
    assert described == [(f["name"], DUCKDB_TYPES[f["type"]]) for f in fields]
    for f in fields[2:]:
        assert f["description"].startswith("= "), f["name"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f["description"].split(".")[0]), f["name"]
