"""The partitions of the collect and read stages: one per statistical year and administrative
division (the registry's 6-digit GB/T 2260 `region_code`), named `<year>-<code>`, e.g.
`2023-350481` for 永安市 2023.

Why this scheme: Dagster keeps each partition's history and recommends at most ~100,000
partitions per asset, so one per report cannot hold a national registry (~150,000 bodies a
year). Divisions do: a city gives a dozen partitions a year (its districts and counties, and
the city's own code), a province one or two hundred, the nation ≈3,200 a year. Only (year,
division) pairs that the registry expects a report for exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipelines.registry import regions
from pipelines.registry.model import Entry

KEY = re.compile(r"^(?P<year>\d{4})-(?P<code>[1-9]\d{5})$")


def key(entry: Entry) -> str:
    return f"{entry.year}-{entry.region_code}"


def parse(partition: str) -> tuple[int, str]:
    """(year, division code) of a partition key; ValueError for anything else."""
    match = KEY.match(partition)
    if match is None:
        raise ValueError(f"分区名应为「年度-行政区划代码」，如 2023-350481，不是「{partition}」")
    return int(match["year"]), match["code"]


def keys(entries: Iterable[Entry]) -> list[str]:
    """The partitions the entries call for, sorted: by year, then division."""
    return sorted({key(e) for e in entries})


def label(partition: str) -> str:
    """`2023-350481` → `永安市 2023年` (the division's full name when it is known)."""
    year, code = parse(partition)
    chain = regions.lineage(code)
    place = "".join(d.name for d in chain) if chain else code
    return f"{place} {year}年"
