"""Metadata the data office reads in the UI: small Markdown tables."""

from typing import Any

import dagster as dg

NONE = "无 none"


def md_table(header: list[str], rows: list[list[Any]], limit: int = 30) -> dg.MetadataValue:
    def cell(v: Any) -> str:
        return str("" if v is None else v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n…另有 {len(rows) - limit} 行")
    return dg.MetadataValue.md("\n".join(lines))


def md_or_none(header: list[str], rows: list[list[Any]], limit: int = 30) -> dg.MetadataValue | str:
    """A table, or 无 when there is nothing to list."""
    return md_table(header, rows, limit) if rows else NONE
