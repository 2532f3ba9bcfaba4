"""Coverage: which body has no report for which year, and which report came late.

Reports are due by 31 January of the year after the statistical year. Whether a report was
late is read from the date it states (published_on), else from when xxgk first found it
online — but only if xxgk had already looked for it before the deadline and not found it
(otherwise "we first saw it late" only means "we started looking late").

The ledger (data dir `state/coverage/<body_id>.json`) remembers, per body and year, when it
was first looked for online and when a document was first had.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.sources import Document
    from pipelines.tables import ReportInput

ONLINE = ("discovery", "registry-url")


def due_on(year: int) -> date:
    return date(year + 1, 1, 31)


def _watched(document: Document) -> str | None:
    """How a document is watched for the ledger: online (its date found tells timeliness),
    inbox (the date it was received), or not at all (a local file of the registry)."""
    if document.found_by == "inbox":
        return "inbox"
    if document.found_by == "discovery" or document.source.startswith(("http://", "https://")):
        return "online"
    return None


def observe(root: Path, documents: list[Document], today: date) -> list[Document]:
    """Fill first_seen / looked_since from the ledger and record this collection in it."""
    by_body: dict[str, list[int]] = {}
    for i, d in enumerate(documents):
        by_body.setdefault(d.body_id, []).append(i)
    out = list(documents)
    for body_id, indexes in by_body.items():
        path = root / f"{body_id}.json"
        ledger: dict[str, dict[str, Any]] = (
            json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        )
        changed = False
        for i in indexes:
            d = documents[i]
            watched = _watched(d)
            if watched is None:
                continue
            seen = ledger.setdefault(str(d.year), {})
            before = dict(seen)
            if watched == "online":
                seen.setdefault("looked_since", today.isoformat())
            if d.sha256 is not None:
                seen.setdefault("first_seen", today.isoformat())
            changed |= seen != before
            out[i] = replace(
                d, first_seen=seen.get("first_seen"), looked_since=seen.get("looked_since")
            )
        if changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(ledger, sort_keys=True, indent=1), encoding="utf-8")
            os.replace(tmp, path)
    return out


def timeliness(
    year: int, published_on: date | None, first_seen: str | None, looked_since: str | None
) -> tuple[str, int | None]:
    """(on_time / late / unknown, days late)."""
    due = due_on(year)
    if published_on:
        days = (published_on - due).days
        return ("late", days) if days > 0 else ("on_time", None)
    if first_seen:
        seen = date.fromisoformat(first_seen)
        if seen <= due:
            return "on_time", None
        if looked_since and date.fromisoformat(looked_since) <= due:
            return "late", (seen - due).days
    return "unknown", None


_STATUS = {"parsed": "received", "partial": "received", "failed": "unreadable"}


def rows(inputs: list[ReportInput], reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One coverage row per registry entry (same order as `reports`)."""
    out = []
    for item, report in zip(inputs, reports, strict=True):
        e, d = item.entry, item.document
        due = due_on(e.year)
        status = _STATUS.get(report["status"])
        if status is None:  # no document
            checked = date.fromisoformat(d.checked_on) if d.checked_on else None
            if not e.expected:
                status = "not_expected"
            elif checked is not None and checked <= due:
                status = "not_due"
            else:
                status = "missing"
        has_document = d.sha256 is not None
        online = _watched(d) == "online"
        when, days = (
            timeliness(
                e.year,
                report["published_on"],
                d.first_seen if online else None,
                d.looked_since if online else None,
            )
            if has_document
            else (None, None)
        )
        out.append(
            {
                "body_id": e.body_id,
                "year": e.year,
                "expected": e.expected,
                "status": status,
                "found_by": d.found_by if has_document else None,
                "due_on": due,
                "published_on": report["published_on"],
                "first_seen": date.fromisoformat(d.first_seen)
                if has_document and d.first_seen
                else None,
                "timeliness": when,
                "days_late": days,
                "note": d.note,
            }
        )
    return out
