"""Metadata the data office reads in the UI: small Markdown tables."""

from typing import Any

import dagster as dg


def md_table(header: list[str], rows: list[list[Any]], limit: int = 30) -> dg.MetadataValue:
    def cell(v: Any) -> str:
        return str("" if v is None else v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n…另有 {len(rows) - limit} 行")
    return dg.MetadataValue.md("\n".join(lines))
