"""The registry of bodies: who must publish a report, for which year, and where it is."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.archive import sha256
from pipelines.decode import decode


@dataclass(frozen=True)
class Entry:
    body_id: str
    name: str
    region_name: str
    region_code: str
    level: str
    parent_id: str | None
    year: int
    source: str
    synthetic: bool


@dataclass
class Registry:
    path: str
    sha256: str
    entries: list[Entry]
    problems: list[str] = field(default_factory=list)  # row-level messages, Chinese

    @property
    def base_dir(self) -> Path:
        return Path(self.path).parent


TRUE_VALUES = {"true", "1", "是"}


def read_rows(data: bytes) -> list[dict[str, str | None]]:
    """CSV rows as text (any encoding Excel saves in), empty cells as None."""
    reader = csv.DictReader(io.StringIO(decode(data)))
    return [
        {
            (k or "").strip(): (v.strip() or None) if isinstance(v, str) else None
            for k, v in row.items()
        }
        for row in reader
    ]


def entries_from_rows(rows: list[dict[str, str | None]], bad_rows: set[int]) -> list[Entry]:
    """Typed entries for the rows (1-based data rows) that passed validation."""
    entries = []
    for n, row in enumerate(rows, start=1):
        if n in bad_rows:
            continue
        entries.append(
            Entry(
                body_id=row["body_id"] or "",
                name=row["name"] or "",
                region_name=row["region_name"] or "",
                region_code=row["region_code"] or "",
                level=row["level"] or "",
                parent_id=row.get("parent_id"),
                year=int(row["year"] or 0),
                source=row["source"] or "",
                synthetic=(row.get("synthetic") or "").lower() in TRUE_VALUES,
            )
        )
    return entries


def body_conflicts(entries: list[Entry]) -> list[str]:
    """A body's name, region and level must be the same on every one of its rows."""
    seen: dict[str, Entry] = {}
    problems = []
    for e in entries:
        first = seen.setdefault(e.body_id, e)
        for attr in ("name", "region_name", "region_code", "level", "parent_id", "synthetic"):
            if getattr(first, attr) != getattr(e, attr):
                problems.append(
                    f"机关 {e.body_id} 在不同年度的「{attr}」不一致：{getattr(first, attr)} / {getattr(e, attr)}"
                )
    return problems


def registry_digest(data: bytes) -> str:
    return sha256(data)


def load(path: Path) -> Registry:
    """Read and validate a registry CSV; rows with problems are reported and left out."""
    from warehouse.validate import validate_text_rows

    data = path.read_bytes()
    rows = read_rows(data)
    violations = validate_text_rows("registry", rows)
    bad = {v.row - 1 for v in violations if v.row is not None}  # line → 1-based data row
    if any(v.row is None for v in violations):
        bad = set(range(1, len(rows) + 1))
    entries = entries_from_rows(rows, bad)
    problems = [str(v) for v in violations] + body_conflicts(entries)
    return Registry(str(path.resolve()), registry_digest(data), entries, problems)
