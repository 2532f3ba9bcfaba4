"""Coverage rows: which body has no report for which year, and which report came late.

A report falls due early in the year after the statistical year: 31 January for departments,
31 March for a county-level-and-above government's own report (《政府信息公开条例》第四十九条;
the level's deadline, or the registry's own: `Entry.due_on`, `Entry.due_basis`). Whether it was
late is read from the date it states (published_on), else from when xxgk first found it
online — but only if xxgk had already looked for it before the deadline and not found it
(otherwise "we first saw it late" only means "we started looking late"); the collect-time
ledger (`pipelines.collect.ledger`) remembers both dates.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pipelines.collect.collector import Document
from pipelines.collect.ledger import watched
from pipelines.registry.model import Entry


def timeliness(
    due: date, published_on: date | None, first_seen: str | None, looked_since: str | None
) -> tuple[str, int | None]:
    """(on_time / late / unknown, days late) against the deadline `due`."""
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


def row(e: Entry, d: Document, report: dict[str, Any]) -> dict[str, Any]:
    """The coverage row of one registry entry, from its document and its `reports` row."""
    due = e.due_on
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
    online = watched(d) == "online"
    when, days = (
        timeliness(
            due,
            report["published_on"],
            d.first_seen if online else None,
            d.looked_since if online else None,
        )
        if has_document
        else (None, None)
    )
    return {
        "body_id": e.body_id,
        "year": e.year,
        "expected": e.expected,
        "status": status,
        "found_by": d.found_by if has_document else None,
        "due_on": due,
        "due_basis": e.due_basis,
        "published_on": report["published_on"],
        "first_seen": date.fromisoformat(d.first_seen) if has_document and d.first_seen else None,
        "changed_on": date.fromisoformat(d.changed_on) if has_document and d.changed_on else None,
        "timeliness": when,
        "days_late": days,
        "note": d.note,
    }
