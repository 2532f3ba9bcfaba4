"""Helpers the tests share: where things are, the shared fixtures (skipped where ../shared is
absent) and comparing contract JSON cell by cell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DEMO = ROOT / "demo"
SEED = DEMO / "documents" / "yongan-industry-it-bureau-2023.txt"
SEED_EXPECTED = ROOT / "tests" / "data" / "yongan-industry-it-bureau-2023.json"


def shared(*parts: str) -> Path:
    """A file of ../shared; the test is skipped where ../shared is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path


def load_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def cell_diff(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Every cell of the expected contract JSON that differs in `got`."""
    wrong = []
    for key in ("agency", "year", "template"):
        if expected[key] != got[key]:
            wrong.append(f"{key}: expected {expected[key]!r}, got {got[key]!r}")
    for section in ("proactive", "applications", "reviews_litigation"):
        if set(expected[section]) != set(got[section]):
            wrong.append(
                f"{section} rows: expected {sorted(expected[section])}, got {sorted(got[section])}"
            )
        for row, cells in expected[section].items():
            for col, value in cells.items():
                actual = got[section].get(row, {}).get(col, "<missing>")
                if actual != value or type(actual) is not type(value):
                    wrong.append(f"{section}.{row}.{col}: expected {value!r}, got {actual!r}")
    return wrong
