"""Frictionless Table Schemas: the one source of truth for every published table.

Writers, the DuckDB DDL, validation and the data dictionary all read these files; no column
list is repeated anywhere else.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent

# The tables the read stage writes for each partition and the warehouse loads from them: all
# published but `report_texts` (read by the model text_similarity); `bodies` comes from the
# registry.
PARTITION_TABLES = (
    "reports",
    "proactive",
    "applications",
    "reviews_litigation",
    "findings",
    "coverage",
    "report_texts",
)


@cache
def load(name: str) -> dict[str, Any]:
    """The Table Schema of one table (`registry`, `bodies`, `reports`, …)."""
    return json.loads((HERE / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def package() -> dict[str, Any]:
    """The data-package descriptor base: metadata and the published tables, in order."""
    return json.loads((HERE / "datapackage.json").read_text(encoding="utf-8"))


def published_tables() -> list[str]:
    return list(package()["tables"])


def field_names(name: str) -> list[str]:
    return [f["name"] for f in load(name)["fields"]]


def primary_key(name: str) -> list[str]:
    return list(load(name).get("primaryKey", []))


def field(table: str, name: str) -> dict[str, Any]:
    return next(f for f in load(table)["fields"] if f["name"] == name)


def labels(table: str, name: str) -> dict[str, str]:
    """The Chinese label of each value of an enum field (its `enumLabels`, in enum order): what
    the UI, the catalog and the command line show for `parsed`, `error`, `not_due` …"""
    return dict(field(table, name)["enumLabels"])


def label(table: str, name: str, value: str | None) -> str:
    """`已读取 parsed`: the label with the value beside it (the value alone if it has none)."""
    if value is None:
        return ""
    text = labels(table, name).get(value)
    return f"{text} {value}" if text else value


# The fields naming a cell's row and column in each table of the report's three sections.
CELL_FIELDS = {
    "proactive": ("item", "measure"),
    "applications": ("row", "applicant"),
    "reviews_litigation": ("proceeding", "outcome"),
}


def cell_label(cell: str) -> str:
    """「予以公开 / 总计（收到和处理政府信息公开申请情况）」: a cell of the contract
    (`applications.granted.total`) as a person reads it, from the tables' enumLabels."""
    table, row, col = cell.split(".")
    a, b = CELL_FIELDS[table]
    title = load(table)["title"].split(" · ")[0]
    return f"{labels(table, a).get(row, row)} / {labels(table, b).get(col, col)}（{title}）"
