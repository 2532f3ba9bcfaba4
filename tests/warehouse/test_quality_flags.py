"""Quality flags of the published cells (`flags`, `trusted`), made in the warehouse from each
cell, its report and the findings naming it: one column, `trusted`, tells a researcher which
cells to use; `flags` says why not."""

from __future__ import annotations

import re

import schemas
import warehouse
from warehouse.ddl import to_arrow
from warehouse.load import Warehouse, _create


def report(body: str, *, status: str = "parsed", synthetic: bool = False) -> dict:
    return {
        "body_id": body,
        "year": 2023,
        "agency_printed": None,
        "template": "2021",
        "status": status,
        "status_reason": None,
        "source": f"{body}.txt",
        "source_format": "text",
        "sha256": None,
        "bytes": 1,
        "parser_version": "x",
        "published_on": None,
        "errors": 0,
        "warnings": 0,
        "synthetic": synthetic,
    }


def cell(body: str, row: str, value: float | None = 1, location: str = "第1行") -> dict:
    return {
        "body_id": body,
        "year": 2023,
        "row": row,
        "applicant": "total",
        "value": value,
        "printed": None,
        "location": location,
        "corrected_from": None,
        "correction_id": None,
        "correction_reason": None,
        "corrected_by": None,
        "trusted": None,
        "flags": None,
    }


def finding(body: str, n: int, rule: str, severity: str, cells: str) -> dict:
    return {
        "body_id": body,
        "year": 2023,
        "finding_no": n,
        "rule": rule,
        "severity": severity,
        "message": "…",
        "cells": cells,
    }


def flagged(tables: dict[str, list[dict]], bodies: list[str]) -> dict[tuple, tuple]:
    con = warehouse.connect()
    _create(con)
    for name, rows in tables.items():
        con.register("incoming", to_arrow(name, rows))
        con.execute(f'INSERT INTO "{name}" SELECT * FROM incoming')
    Warehouse(con, rebuilt=True).flag_cells(bodies)
    rows = con.execute(
        "SELECT body_id, row, trusted, flags FROM applications ORDER BY body_id, row"
    ).fetchall()
    return {(b, r): (t, f) for b, r, t, f in rows}


def test_each_cell_carries_its_flags_and_trusted_says_whether_to_use_it():
    tables = {
        "reports": [
            report("clean"),
            report("demo", synthetic=True),
            report("half", status="partial"),
        ],
        "applications": [
            cell("clean", "new_received"),
            cell("clean", "granted"),
            cell("clean", "denied_state_secret", value=None),
            cell("clean", "carried_over"),
            cell("clean", "carried_forward", location="OCR 第1页 表1 第3行 第2列"),
            cell("clean", "total_handled"),
            cell("clean", "other_other", value=0),
            cell("demo", "new_received"),
            cell("half", "new_received"),
        ],
        "findings": [
            finding("clean", 1, "T3_OUTCOME_SUM", "error", "applications.granted.total"),
            # a rule across years names a cell too (made in the warehouse, not by the reader)
            finding("clean", 2, "CROSS_YEAR_CARRY", "warning", "applications.carried_over.total"),
            finding(
                "clean",
                3,
                "DERIVED",
                "info",
                "applications.other_other.total;applications.total_handled.natural_person",
            ),
            finding("half", 1, "SECTION_MISSING", "error", "applications"),
        ],
    }
    got = flagged(tables, ["clean", "demo", "half"])
    assert got == {
        ("clean", "carried_forward"): (False, "ocr"),
        ("clean", "carried_over"): (False, "warning"),
        ("clean", "denied_state_secret"): (True, "blank"),
        ("clean", "granted"): (False, "error"),
        ("clean", "new_received"): (True, None),
        ("clean", "other_other"): (True, "derived"),
        ("clean", "total_handled"): (True, None),  # its natural_person cell was named, not it
        ("demo", "new_received"): (False, "synthetic"),
        ("half", "new_received"): (False, "report_not_parsed"),
    }


def test_only_the_bodies_named_are_flagged_again():
    tables = {
        "reports": [report("a"), report("b")],
        "applications": [cell("a", "granted"), cell("b", "granted")],
        "findings": [],
    }
    got = flagged(tables, ["a"])
    assert got == {("a", "granted"): (True, None), ("b", "granted"): (None, None)}


def made(sql: str) -> set[str]:
    return set(re.findall(r"THEN '([a-z_]+)' END", sql))


def documented(table: str) -> set[str]:
    """The flag names a `flags` description explains (`name 中文说明`)."""
    return set(
        re.findall(r"([a-z_]+) [\u4e00-\u9fff]", schemas.field(table, "flags")["description"])
    )


def test_every_flag_the_sql_makes_is_documented_in_the_schemas():
    cells = made(warehouse.sql("cell_flags"))
    metrics = made((warehouse.HERE / "models" / "50_metrics.sql").read_text(encoding="utf-8"))
    assert {"synthetic", "ocr", "error", "warning"} <= cells & metrics
    for table in ("proactive", "applications", "reviews_litigation"):
        # `corrected` is kept for corrections made by the data office
        assert cells | {"corrected"} <= documented(table), table
    assert metrics | {"corrected"} <= documented("metrics")
