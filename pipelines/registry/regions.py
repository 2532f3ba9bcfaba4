"""Administrative division codes (GB/T 2260), shipped as data: `pipelines/data/gb2260.csv`
(where it comes from: `pipelines/data/gb2260.SOURCE.md`)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "gb2260.csv"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    type: str
    parent_code: str | None


@cache
def divisions() -> dict[str, Division]:
    with DATA.open(encoding="utf-8", newline="") as f:
        return {
            row["code"]: Division(row["code"], row["name"], row["type"], row["parent_code"] or None)
            for row in csv.DictReader(f)
        }


def lineage(code: str) -> list[Division]:
    """The division and those above it, province first (福建省, 三明市, 永安市)."""
    chain: list[Division] = []
    current = divisions().get(code)
    while current is not None:
        chain.insert(0, current)
        current = divisions().get(current.parent_code or "")
    return chain


def name_matches(code: str, name: str) -> bool:
    """Whether a region name as written in the registry fits the code: the division's own name
    (永安市), or its full name with the levels above (福建省三明市永安市, 三明市永安市)."""
    chain = lineage(code)
    if not chain:
        return False
    written = "".join(name.split())
    names = [d.name for d in chain]
    return any(written == "".join(names[i:]) for i in range(len(names)))


def check(code: str, name: str) -> tuple[str | None, str | None]:
    """(error, warning) about a registry's region code and name, in Chinese; None when fine."""
    known = divisions().get(code)
    if known is None:
        return (
            f"行政区划代码 {code} 不在 GB/T 2260 行政区划代码表中"
            "（请核对代码；区划调整后代码可能已变更）",
            None,
        )
    if not name_matches(code, name):
        full = "".join(d.name for d in lineage(code))
        return None, f"行政区划名称「{name}」与代码 {code}（{full}）不一致"
    return None, None
