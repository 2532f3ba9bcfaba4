"""Metadata the data office reads in the UI: small Markdown tables, every cell shown as text
(names and titles come from registries and portals: see publish.escape)."""

from typing import Any

import dagster as dg

from publish.escape import markdown

NONE = "无 none"
YES, NO = "是 yes", "否 no"


def yes_no(value: bool) -> str:
    """A yes/no fact as the clerk reads it (not Python's True)."""
    return YES if value else NO


def md_table(header: list[str], rows: list[list[Any]], limit: int = 30) -> dg.MetadataValue:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(markdown(v) for v in row) + " |" for row in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n…另有 {len(rows) - limit} 行")
    return dg.MetadataValue.md("\n".join(lines))


def md_or_none(header: list[str], rows: list[list[Any]], limit: int = 30) -> dg.MetadataValue | str:
    """A table, or 无 when there is nothing to list."""
    return md_table(header, rows, limit) if rows else NONE


def listed(items: list[Any], nothing: str, limit: int = 20) -> str:
    """An asset check's description: the first `limit` items, each shown as text (they hold
    file names, body names and portal text), or `nothing`."""
    return "；".join(markdown(i) for i in items[:limit]) or nothing
