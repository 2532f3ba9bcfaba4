"""What the Dagster assets, the sensors and the `xxgk` command call: each stage of the flow as
one function, with the deployment's settings.

    registry ─▶ inbox ─▶ collect (per partition) ─▶ read (per partition) ─▶ warehouse ─▶ release

Stages hand each other files of the partitioned dataset (see `pipelines.dataset`); the
warehouse is built from them by DuckDB and the release exported from it. Side effects stay
here and in the stages' own writers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

import warehouse
from pipelines import dataset, workers
from pipelines.collect import archive, inbox
from pipelines.collect import partition as collecting
from pipelines.collect.fetch import Policy
from pipelines.datadir import DataDir, locked
from pipelines.files import sha256
from pipelines.read import cache
from pipelines.read.document import PARSER_VERSION
from pipelines.registry import load, partitions, snapshot
from pipelines.registry.model import DEFAULT_FIRST_YEAR, Entry
from pipelines.tables import corrections as fixes
from pipelines.tables import cross_year, rows, similarity
from pipelines.tables import partition as reading
from pipelines.tables.rows import PARTITION_TABLES
from publish.release import Release, make_release
from warehouse import load as warehouse_load
from warehouse.ddl import to_arrow
from warehouse.validate import Violation, check_database, check_files


@dataclass(frozen=True)
class Settings:
    """One deployment: its data directory, its registry, how politely to fetch, how many
    processes read documents (0: every core), the day it runs as (None: today), the folders
    besides the registry's that its local sources may be read from, and the data office's
    corrections file (None: corrections.csv in the data directory)."""

    data: DataDir
    registry: Path
    first_year: int = DEFAULT_FIRST_YEAR
    fetch: Policy = field(default_factory=Policy)
    as_of: date | None = None
    read_workers: int = 0
    local_dirs: tuple[Path, ...] = ()
    corrections: Path | None = None

    def today(self) -> date:
        return self.as_of or date.today()

    def processes(self) -> int:
        """How many processes read documents at once."""
        return self.read_workers or workers.default()

    def corrections_file(self) -> Path:
        return self.corrections or self.data.corrections


# ---- registry and inbox ---------------------------------------------------------------------


def registry(s: Settings) -> snapshot.Facts:
    """The registry as the stages read it: loaded again (and its snapshot written) only when
    the file's bytes or the years it expects changed."""
    last_year = s.today().year - 1
    facts = snapshot.facts(s.data)
    data = s.registry.read_bytes()
    if (
        facts is not None
        and facts.sha256 == sha256(data)
        and (facts.first_year, facts.last_year) == (s.first_year, last_year)
        and facts.path == str(s.registry.resolve())
    ):
        return facts
    reg = load.load(s.registry, as_of=s.today(), first_year=s.first_year)
    return snapshot.write(s.data, reg, s.first_year, last_year)


def entries(s: Settings, keys: list[str] | None = None) -> list[Entry]:
    return snapshot.entries(s.data, keys)


def registry_order(s: Settings) -> dict[tuple[str, int], int]:
    """Each (body, year) entry's place in the registry."""
    return {(e.body_id, e.year): i for i, e in enumerate(entries(s))}


def body_names(s: Settings) -> dict[str, str]:
    """Body id → name: what a person reads in the UI instead of ids."""
    return {body: names[0] for body, names in snapshot.names(s.data).items()}


def body_aliases(s: Settings) -> dict[str, tuple[str, ...]]:
    """Body id → every name it is registered under (full and former)."""
    return snapshot.names(s.data)


def bodies_overview(s: Settings, limit: int) -> list[Entry]:
    """The first bodies of the registry (one entry each), for the UI."""
    return snapshot.first_bodies(s.data, limit)


def title_of(s: Settings, digest: str) -> tuple[str | None, int | None] | None:
    """(agency, year) as printed in an archived document; None when it is not a report. The
    document is read once: the parse cache keeps it for the read stage."""
    report = _outcome(s, digest).report
    return None if report is None else (report.agency, report.year)


def reads_as_report(s: Settings, digest: str) -> bool:
    return _outcome(s, digest).report is not None


def _outcome(s: Settings, digest: str) -> cache.Outcome:
    return cache.cached_parse(s.data.parse_cache, digest, _bytes(s))[0]


def _bytes(s: Settings) -> Callable[[str], bytes]:
    return lambda digest: archive.load(s.data.archive, digest)


def scan_inbox(s: Settings) -> list[inbox.InboxFile]:
    """Every inbox file archived and matched to a body-year; what the collect stage reads."""
    everyone = entries(s) if inbox.listing(s.data.inbox) else []  # none to match: none read
    files = inbox.scan(s.data.inbox, s.data.archive, everyone, lambda d: title_of(s, d))
    dataset.write(s.data.inbox_matches, dataset.to_table(inbox.InboxFile, files))
    return files


def inbox_files(s: Settings) -> list[inbox.InboxFile]:
    if not s.data.inbox_matches.exists():
        return []
    return dataset.from_table(inbox.InboxFile, dataset.read(s.data.inbox_matches))


# ---- which partitions have work -------------------------------------------------------------


def fingerprints(s: Settings, keys: list[str]) -> dict[str, str | None]:
    """Per partition, a fingerprint of what collecting it would read (None: it has an entry
    found online, so it is collected to ask the server)."""
    facts = registry(s)
    inbox = collecting.matched(inbox_files(s))
    online = set(facts.online)
    members = snapshot.members(s.data, [k for k in keys if k not in online])
    return {
        k: None
        if k in online
        else collecting.fingerprint(facts.digests[k], members[k], inbox, facts.base_dir, s.today())
        for k in keys
    }


def stale_partitions(s: Settings, keys: list[str] | None = None) -> list[str]:
    """The partitions a run would do work for: something they read may have changed (their
    entries, inbox files or local files; online sources always may), or they were never read."""
    facts = registry(s)
    keys = facts.partitions if keys is None else keys
    stale = []
    by_key = _by_partition(s, keys)
    fixed = corrections_by_body_year(s)
    for k, print_ in fingerprints(s, keys).items():
        state = dataset.state(s.data, k)
        done = (
            print_ is not None
            and state.get("collect") == print_
            and s.data.documents(k).exists()
            and state.get("read")
            == reading.fingerprint(
                s.data, k, facts.digests[k], reading.of_partition(by_key[k], fixed)
            )
        )
        if not done:
            stale.append(k)
    return stale


# ---- collect and read, per partition --------------------------------------------------------


class NotRegistered(Exception):
    """What the data office asked for is not in the registry; the message says so in Chinese."""


def collect(
    s: Settings, keys: list[str], *, body: str | None = None, refetch: bool = False
) -> collecting.Collection:
    """Each entry's document in these partitions; `body` alone, `refetch` ignoring validators."""
    facts = registry(s)
    wanted = entries(s, keys)
    if body and not any(e.body_id == body for e in wanted):
        where = "、".join(f"{k}（{partitions.label(k)}）" for k in keys[:5])
        raise NotRegistered(
            f"分区 {where} 中没有机关「{body}」：请核对机关编号，或选择该机关所在的分区。"
        )
    return collecting.collect(
        s.data,
        wanted,
        inbox_files(s),
        fingerprints(s, keys),
        base_dir=facts.base_dir,
        local_dirs=s.local_dirs,
        policy=s.fetch,
        today=s.today(),
        is_report=lambda digest: reads_as_report(s, digest),
        names=lambda: snapshot.names(s.data),
        only_body=body,
        refetch=refetch,
    )


def _by_partition(s: Settings, keys: list[str]) -> dict[str, list[Entry]]:
    by_key: dict[str, list[Entry]] = {k: [] for k in keys}
    for e in entries(s, keys):
        by_key[partitions.key(e)].append(e)
    return by_key


def read(s: Settings, keys: list[str]) -> reading.Reading:
    """The published rows of these partitions, from their documents and the data office's
    corrections."""
    fixed = corrections_by_body_year(s)
    return reading.read(s.data, _by_partition(s, keys), s.processes(), fixed)


# ---- corrections ----------------------------------------------------------------------------


def corrections(s: Settings) -> fixes.Loaded:
    """The data office's corrections file, checked row by row against the registry."""
    registry(s)
    expected = {(e.body_id, e.year) for e in entries(s)}
    return fixes.load(s.corrections_file(), body_aliases(s), expected)


def corrections_by_body_year(s: Settings) -> reading.Corrections:
    out: reading.Corrections = {}
    for c in corrections(s).corrections:
        out.setdefault((c.body_id, c.year), []).append(c)
    return out


def correction_status(s: Settings, loaded: fixes.Loaded) -> dict[str, str | None]:
    """Each valid correction's id → None when the warehouse publishes it, else why not (as
    the read stage recorded it; a partition not read since says so)."""
    applied = {r["correction_id"] for r in query(s, "corrections_applied")}
    stale = {
        (r["body_id"], r["year"], r["cells"]): r["message"]
        for r in query(s, "findings_of_rule", {"rule": "CORRECTION_STALE"})
    }
    return {
        c.correction_id: None
        if c.correction_id in applied
        else stale.get(
            (c.body_id, c.year, c.cell),
            f"更正 {c.correction_id}（{c.where}）尚未应用：所在分区还没有重新读取",
        )
        for c in loaded.corrections
    }


def check_partitions(s: Settings, keys: list[str]) -> list[Violation]:
    """The partitions' published rows against their Table Schemas (types, constraints, keys
    within the partition)."""
    return check_files({name: [s.data.part(name, k) for k in keys] for name in PARTITION_TABLES})


# The writers of what every run shares, the warehouse and the releases, hold the data
# directory's lock (`xxgk run` holds it for its whole run). A step of a run launched from the UI
# or on a Celery worker takes it for itself, so a run never waits for its own steps; it waits
# this long for another run, then fails saying so.
STEP_WAIT = 15 * 60


# ---- warehouse ------------------------------------------------------------------------------


def update_warehouse(s: Settings) -> warehouse_load.Update:
    """The warehouse brought up to date with the dataset: changed partitions loaded again,
    bodies from the registry, the rules across years for the bodies that changed."""
    facts = registry(s)
    files = {k: {t: s.data.part(t, k) for t in PARTITION_TABLES} for k in facts.partitions}
    tables = {k: dataset.state(s.data, k).get("tables") for k in facts.partitions}
    digests = {k: dataset.digest(t) for k, t in tables.items() if t}  # partitions read so far
    bodies = rows.bodies(s.data.registry_entries)
    with locked(s.data.run_lock, STEP_WAIT), warehouse_load.updating(s.data.warehouse) as store:
        changed = store.sync_partitions(files, digests)
        store.replace_bodies(bodies)
        if changed:
            found = cross_year.findings(store.cross_year_cells(changed))
            store.replace_findings(changed, cross_year.RULES, _findings_table(found))
            compared = similarity.rows(store.report_texts(changed))
            store.replace_similarity(changed, to_arrow("text_similarity", compared))
            store.flag_cells(changed)
    return store.update


def _findings_table(found: list[tuple[str, int, Any]]) -> pa.Table:
    return pa.table(
        {
            "body_id": pa.array([b for b, _, _ in found], pa.string()),
            "year": pa.array([y for _, y, _ in found], pa.int64()),
            "position": pa.array(range(len(found)), pa.int64()),
            "rule": pa.array([f.rule for _, _, f in found], pa.string()),
            "severity": pa.array([f.severity for _, _, f in found], pa.string()),
            "message": pa.array([f.message for _, _, f in found], pa.string()),
            "cells": pa.array([";".join(f.cells) or None for _, _, f in found], pa.string()),
        }
    )


def query(s: Settings, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """A query of `warehouse/queries/` on the warehouse (read-only), as rows."""
    with warehouse.connect(str(s.data.warehouse), read_only=True) as con:
        cursor = con.execute(warehouse.sql(name), params or {})
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


def check_warehouse(s: Settings) -> list[Violation]:
    """Every table of the warehouse against its Table Schema, across partitions: primary keys
    unique, foreign keys found, every field's type and constraints."""
    return check_database(s.data.warehouse)


# ---- release --------------------------------------------------------------------------------


def release(s: Settings, *, bump: str, force: bool) -> Release:
    """A new release from the warehouse when something changed (or when forced)."""
    facts = registry(s)
    with locked(s.data.run_lock, STEP_WAIT):
        return make_release(
            s.data.warehouse,
            s.data.releases,
            now=datetime.now(UTC),
            inputs={"registry_sha256": facts.sha256, "parser_version": PARSER_VERSION},
            bump=bump,
            force=force,
        )
