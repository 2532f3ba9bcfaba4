"""`xxgk bench --publish N`: the publish side at national size, from N synthetic reports already
read (SYNTHETIC: bodies, cells and findings are generated straight into the partitioned
dataset, no document is parsed): warehouse, checks across partitions, release (export,
validation, changelog, catalog); then again with 1 % of the reports changed and 1 % new bodies.
Each step's wall time and the process's peak memory are printed.
"""

from __future__ import annotations

import resource
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

import schemas
from pipelines import dataset, run
from pipelines.datadir import DataDir
from pipelines.read import template as t
from pipelines.registry import snapshot
from pipelines.registry.model import Entry
from pipelines.tables.rows import PARTITION_TABLES
from testkit.scale import PER_DIVISION, _row, _write_registry, bodies, counties
from warehouse.ddl import arrow_schema

YEAR = 2023
SECTIONS = {
    "proactive": [(i.key, m) for i in t.items_for("2021") for m in i.measures],
    "applications": [(r.key, a) for r in t.application_rows("split") for a in t.APPLICANTS],
    "reviews_litigation": [(p, o) for p in t.PROCEEDINGS for o in t.OUTCOMES],
}


def registry_of(n: int, s: run.Settings) -> list[str]:
    """N bodies reporting for one year, in a registry file loaded as the registry asset loads
    it; returns the partitions."""
    per_division = max(PER_DIVISION, -(-n // len(counties())))  # the nation: ~50 a county
    rows = [_row(b, YEAR, "") for b in bodies(n, per_division, years=1)]
    _write_registry(s.registry, rows)
    return run.registry(s).partitions


def write_partition(
    data: DataDir, key: str, entries: list[Entry], rng: np.random.Generator, version: int
) -> None:
    tables = {name: _table(name, entries, rng, version) for name in PARTITION_TABLES}
    digests = {name: dataset.write(data.part(name, key), table) for name, table in tables.items()}
    dataset.save_state(data, key, tables=digests)


PROSE = "本年度坚持以人民为中心推进政务公开，全年主动公开政府信息，依法办理申请，加强平台建设。" * 6


def _table(name: str, entries: list[Entry], rng: np.random.Generator, version: int) -> pa.Table:
    n = len(entries)
    ids = [e.body_id for e in entries]
    if name in SECTIONS:
        cells = SECTIONS[name]
        a, b = schemas.primary_key(name)[2:]
        values = rng.integers(0, 3000, size=n * len(cells)) + version
        made: dict[str, Any] = {
            "body_id": np.repeat(ids, len(cells)),
            "year": np.full(n * len(cells), YEAR),
            a: [c[0] for c in cells] * n,
            b: [c[1] for c in cells] * n,
            "value": values if name != "proactive" else values.astype(float),
            "printed": values.astype(str),
            "location": [
                f"表{i % 3 + 1} 第{i % 25 + 1}行 第{i % 7 + 1}列" for i in range(len(cells))
            ]
            * n,
        }
        # every other column empty: the corrections (none in a bench) and the quality flags
        # (made in the warehouse, warehouse/queries/cell_flags.sql)
        schema = arrow_schema(name)
        empty = {f: [None] * (n * len(cells)) for f in schema.names if f not in made}
        return pa.table({**made, **empty}, schema=schema)
    columns: dict[str, Any] = {"body_id": ids, "year": [YEAR] * n}
    if name == "reports":
        columns |= {
            "agency_printed": [e.name for e in entries],
            "template": ["2021"] * n,
            "status": ["parsed"] * n,
            "source": [f"https://example.gov.cn/{e.body_id}/{YEAR}.pdf" for e in entries],
            "source_format": ["pdf"] * n,
            "sha256": [f"{version:02d}{e.body_id:0>62}"[:64] for e in entries],
            "bytes": [80_000] * n,
            "parser_version": ["bench"] * n,
            "published_on": [date(YEAR + 1, 1, 20)] * n,
            "errors": [0] * n,
            "warnings": [0] * n,
            "synthetic": [True] * n,
        }
    elif name == "findings":
        columns |= {
            "finding_no": [1] * n,
            "rule": ["BLANK_CELL"] * n,
            "severity": ["info"] * n,
            "message": ["文件中有3个单元格为空白（或印为–、/、无），记为空值，计算时按0处理"] * n,
            "cells": ["applications.denied_state_secret.total"] * n,
        }
    elif name == "report_texts":  # section 一 of every report: the similarity model's work
        columns |= {
            "section": ["overview"] * n,
            "text": [f"{e.name}{PROSE}" for e in entries],
        }
    elif name == "coverage":
        columns |= {
            "expected": [True] * n,
            "status": ["received"] * n,
            "found_by": ["registry"] * n,
            "due_on": [date(YEAR + 1, 1, 31)] * n,
            "due_basis": ["department"] * n,
            "published_on": [date(YEAR + 1, 1, 20)] * n,
            "timeliness": ["on_time"] * n,
        }
    fields = arrow_schema(name)
    return pa.table(
        {f.name: pa.array(columns.get(f.name, [None] * n), f.type) for f in fields}, schema=fields
    )


def bench(n: int, folder: Path) -> Iterator[str]:
    """The lines to print, as each step ends."""
    data = DataDir(folder / f"publish-{n}")
    if data.root.exists():
        shutil.rmtree(data.root)
    folder.mkdir(parents=True, exist_ok=True)
    s = run.Settings(data, folder / f"registry-publish-{n}.csv", as_of=date(YEAR + 1, 12, 1))
    yield f"发布端 publish side: {n} 份报告（合成，已读取）, {n * 200:,} cells"
    rng = np.random.default_rng(20240131)
    yield _timed(lambda: _generate(s, n, rng), "registry and partitions")[1]
    for label in ("first release", "1 % changed, 1 % new bodies"):
        if label.startswith("1 %"):
            yield _timed(lambda: _change(s, n, rng), "registry and changed partitions")[1]
        for step, fn in _steps(s):
            yield f"{label}: " + _timed(fn, step)[1]


def _steps(s: run.Settings) -> list[tuple[str, Callable[[], Any]]]:
    from publish.release import make_release

    def release() -> Any:
        return make_release(
            s.data.warehouse, s.data.releases, now=_now(), inputs={"bench": True}, bump="auto"
        )

    return [
        ("warehouse", lambda: run.update_warehouse(s)),
        ("checks across partitions", lambda: run.check_warehouse(s)),
        ("release", release),
    ]


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _generate(s: run.Settings, n: int, rng: np.random.Generator) -> None:
    for key in registry_of(n, s):
        write_partition(s.data, key, snapshot.entries(s.data, [key]), rng, 0)


def _change(s: run.Settings, n: int, rng: np.random.Generator) -> None:
    """1 % of the partitions read again with other numbers; 1 % more bodies (in new
    partitions and in the last one)."""
    before = run.registry(s).partitions
    keys = registry_of(n + n // 100, s)
    changed = before[::100] + [k for k in keys if k not in before or k == before[-1]]
    for key in sorted(set(changed)):
        write_partition(s.data, key, snapshot.entries(s.data, [key]), rng, 1)


def _timed(fn: Callable[[], Any], label: str) -> tuple[Any, str]:
    started = time.perf_counter()
    value = fn()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return value, f"{label} {time.perf_counter() - started:.1f} s (peak RSS so far {peak:.0f} MB)"
