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
