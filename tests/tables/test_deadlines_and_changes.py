"""On a loopback portal, through the Dagster assets: deadlines by level (《政府信息公开条例》第四十九条)
and a report the body changed after publishing it.

A city government's report published on 20 March is on time (due 31 March), a bureau's on
20 March is 49 days late (due 31 January). A bureau whose report page serves other bytes at the
second run: both files are archived, the new reading is published, a REPORT_CHANGED finding
gives both dates and hashes, coverage shows the day of the change and the changelog lists the
cells that changed with the source. When the registry then gives the bureau until 31 March (its
`deadline` column) and nothing else changes, coverage follows."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from pipelines.collect import archive
from pipelines.files import sha256
from testkit.demo import to_html

from support.portal import Route, listing_page, report, report_html, serve
from support.runs import release_run

TITLE = "{}2023年政府信息公开工作年度报告"
BODIES = {
    "ya-gov": ("永安市人民政府", "city_government"),
    "ya-bureau": ("永安市统计局", "department"),
    "ya-changed": ("永安市审计局", "department"),
}


def changed_report(name: str) -> bytes:
    """The same report with other numbers: the body re-published it."""
    return to_html(report(name, 2023, seed=7), preamble="发布日期：2024-01-15").encode()


def registry(path: Path, portal_url: str, deadlines: dict[str, str] | None = None) -> None:
    out = io.StringIO()
    fields = ["body_id", "name", "region_name", "region_code", "level", "active_from"]
    fields += ["listing_url", "deadline"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for body_id, (name, level) in BODIES.items():
        writer.writerow(
            {
                "body_id": body_id,
                "name": name,
                "region_name": "永安市",
                "region_code": "350481",
                "level": level,
                "active_from": "2023",
                "listing_url": f"{portal_url}/{body_id}/ndbg/",
                "deadline": (deadlines or {}).get(body_id, ""),
            }
        )
    path.write_text(out.getvalue(), encoding="utf-8")


def run(tmp: Path, as_of: str, instance: dg.DagsterInstance):  # type: ignore[no-untyped-def]
    paths = {"as_of": as_of, "fetch_min_interval": 0, "fetch_retries": 0}
    return release_run(tmp / "data", tmp / "registry.csv", instance=instance, paths=paths)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("deadlines")
    instance = dg.DagsterInstance.ephemeral()
    with serve() as portal:
        for body_id, (name, _) in BODIES.items():
            published = "2024-01-15" if body_id == "ya-changed" else "2024-03-20"
            page = portal.add(
                f"/{body_id}/2023.html", report_html(name, 2023, published_on=published)
            )
            portal.add(f"/{body_id}/ndbg/", listing_page([(page, TITLE.format(name))]))
        registry(tmp / "registry.csv", portal.url)
        first = run(tmp, "2024-04-01", instance)
        # read now: the warehouse moves on with the second run
        tables = {t: first.table(t) for t in ("coverage", "reports", "findings", "proactive")}
        first_cells = {r["item"] + r["measure"]: r["value"] for r in _cells(tables, "ya-changed")}
        new = changed_report(BODIES["ya-changed"][0])
        portal.routes["/ya-changed/2023.html"] = Route(new)
        second = run(tmp, "2024-04-10", instance)
        changes = {t: second.table(t) for t in ("coverage", "reports", "findings", "proactive")}
        run(tmp, "2024-04-10", instance)  # every page answers 304 from now on
        # the province gives the bureau until 31 March: only the registry changes, not one
        # document (the documents' file is the same as at the run before)
        registry(tmp / "registry.csv", portal.url, {"ya-bureau": "03-31"})
        third = run(tmp, "2024-04-10", instance)
        yield {
            "tmp": tmp,
            "first": tables,
            "first_cells": first_cells,
            "second": second,
            "second_tables": changes,
            "third": third,
            "new": new,
        }


def _table(result, name: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """A table of a run, or as read right after it (a dict of tables)."""
    return result[name] if isinstance(result, dict) else result.table(name)


def _cells(result, body_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return [r for r in _table(result, "proactive") if r["body_id"] == body_id]


def _coverage(result) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {r["body_id"]: r for r in _table(result, "coverage")}


def test_a_government_report_of_20_march_is_on_time_a_bureau_one_late(world):
    cov = _coverage(world["first"])
    gov, bureau = cov["ya-gov"], cov["ya-bureau"]
    assert gov["published_on"] == bureau["published_on"] == date(2024, 3, 20)
    assert (gov["due_on"], gov["due_basis"], gov["timeliness"]) == (
        date(2024, 3, 31),
        "government",
        "on_time",
    )
    assert (bureau["due_on"], bureau["due_basis"]) == (date(2024, 1, 31), "department")
    assert (bureau["timeliness"], bureau["days_late"]) == ("late", 49)


def test_the_registry_overrides_a_deadline_and_coverage_follows(world):
    bureau = _coverage(world["third"])["ya-bureau"]
    assert (bureau["due_on"], bureau["due_basis"]) == (date(2024, 3, 31), "registry")
    assert (bureau["timeliness"], bureau["days_late"]) == ("on_time", None)


def test_a_report_changed_after_publication_is_kept_published_and_recorded(world):
    first, second = world["first"], world["second_tables"]
    (old,) = [r["sha256"] for r in first["reports"] if r["body_id"] == "ya-changed"]
    (now,) = [r["sha256"] for r in second["reports"] if r["body_id"] == "ya-changed"]
    assert now == sha256(world["new"]) != old
    root = world["tmp"] / "data" / "raw"
    assert archive.path_for(root, old).is_file() and archive.path_for(root, now).is_file()
    # the new reading is published
    cells = {r["item"] + r["measure"]: r["value"] for r in _cells(second, "ya-changed")}
    assert cells != world["first_cells"]
    assert not [f for f in first["findings"] if f["rule"] == "REPORT_CHANGED"]
    (finding,) = [f for f in second["findings"] if f["rule"] == "REPORT_CHANGED"]
    assert finding["body_id"] == "ya-changed" and finding["severity"] == "warning"
    message = finding["message"]
    assert message.startswith("报告发布后被修改")
    assert all(s in message for s in (old, now, "2024-04-01", "2024-04-10")), message
    cov = _coverage(second)
    assert cov["ya-changed"]["changed_on"] == date(2024, 4, 10)
    assert cov["ya-changed"]["first_seen"] == date(2024, 4, 1)  # still when first published
    assert cov["ya-gov"]["changed_on"] is None and cov["ya-bureau"]["changed_on"] is None
    assert world["second"].metadata("warehouse")["报告发布后被修改 changed after publication"] == 1


def test_the_changelog_says_which_cells_changed_with_the_source(world):
    release = Path(world["second"].release()["path"])
    changes = json.loads((release / "changes.json").read_text(encoding="utf-8"))
    (found,) = changes["source_changed"]
    assert (found["body_id"], found["year"]) == ("ya-changed", 2023)
    assert found["new_sha256"] == sha256(world["new"])
    tables = {c["table"] for c in found["cells"]}
    assert "proactive" in tables and tables <= {"proactive", "applications", "reviews_litigation"}
    changed = {
        c["key"]["item"] + c["key"]["measure"] for c in found["cells"] if c["table"] == "proactive"
    }
    expected = {
        k for k, v in world["first_cells"].items() if v != _new_value(world["second_tables"], k)
    }
    assert changed == expected and changed
    text = (release / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "原报告被修改" in text and f"因此变化的单元格 {len(found['cells'])} 处" in text
    assert "永安市审计局（ya-changed）2023 年" in text
    page = (release / "changelog.html").read_text(encoding="utf-8")  # the catalog says it too
    assert 'id="source-changed"' in page and "永安市审计局（ya-changed）2023 年" in page
    assert f"因此变化的单元格 {len(found['cells'])} 处" in page


def _new_value(result, key: str):  # type: ignore[no-untyped-def]
    return next(r["value"] for r in _cells(result, "ya-changed") if r["item"] + r["measure"] == key)
