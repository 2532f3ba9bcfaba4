"""The collect-time ledger: per body and year, when xxgk first looked for the report online and
when it first had a document (data dir `state/coverage/<body_id>.json`).

Coverage reads it to tell a late report from one xxgk only started looking for late. It also
keeps each version of a report found online (`versions`: sha256 and the day first had): when
the body's report for a year is fetched again with other bytes, the body changed it after
publishing it (finding REPORT_CHANGED); both files stay in the raw archive.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from pipelines.collect.collector import Document, is_url
from pipelines.datadir import atomic_write


def watched(document: Document) -> str | None:
    """How a document is watched: online (the date it was found tells timeliness), inbox (the
    date it was received), or not at all (a local file of the registry)."""
    if document.found_by == "inbox":
        return "inbox"
    if document.found_by == "discovery" or is_url(document.source):
        return "online"
    return None


def observe(root: Path, documents: list[Document], today: date) -> list[Document]:
    """Fill first_seen / looked_since from the ledger and record this collection in it.

    One file per body and year (`<body_id>/<year>.json`): the years of a body are collected in
    different partitions, possibly at the same time. A body's older single file
    (`<body_id>.json`) is still read."""
    out = []
    for d in documents:
        how = watched(d)
        if how is None:
            out.append(d)
            continue
        path = root / d.body_id / f"{d.year}.json"
        seen = _read(path) or _read(root / f"{d.body_id}.json").get(str(d.year), {})
        before = dict(seen)
        if how == "online":
            seen.setdefault("looked_since", today.isoformat())
        if d.sha256 is not None:
            seen.setdefault("first_seen", today.isoformat())
            if how == "online":
                seen["versions"] = _versions(seen, d.sha256, today)
        if seen != before or not path.exists():
            atomic_write(path, json.dumps(seen, sort_keys=True))
        out.append(
            replace(
                d,
                first_seen=seen.get("first_seen"),
                looked_since=seen.get("looked_since"),
                **_changed(seen.get("versions", []), d.sha256),
            )
        )
    return out


def _versions(seen: dict[str, Any], digest: str, today: date) -> list[dict[str, str]]:
    """The versions found of one body-year's report, with `digest` last. A ledger written
    before versions were kept counts the document it has now as the first."""
    versions = list(seen.get("versions", []))
    if not versions or versions[-1]["sha256"] != digest:
        first = (not versions and seen.get("first_seen")) or today.isoformat()
        versions.append({"sha256": digest, "first_seen": first})
    return versions


def _changed(versions: list[dict[str, str]], digest: str | None) -> dict[str, str | None]:
    """The version before the current one, when the report has changed since first found."""
    if digest is None or len(versions) < 2 or versions[-1]["sha256"] != digest:
        return {}
    before, now = versions[-2], versions[-1]
    return {
        "previous_sha256": before["sha256"],
        "previous_seen": before["first_seen"],
        "changed_on": now["first_seen"],
    }


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
