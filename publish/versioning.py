"""Release versions: SemVer whose bump follows from what changed.

- major: the table structure changed (the schema fingerprint differs): columns, types,
  constraints, keys or the list of tables. A researcher's code may break, so it cannot ship as
  a minor or a patch.
- minor: new data: a body-year appears or disappears, or a report that was missing or
  unreadable is now read.
- patch: corrections: values of body-years already published change.

The required bump is derived from the diff against the previous release; a requested bump may be
higher, never lower.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish.export import whole_tables

BUMPS = ("patch", "minor", "major")  # in increasing order
BUMP_LABELS = {
    "major": "主版本号（表结构变化）",
    "minor": "次版本号（新增数据）",
    "patch": "修订号（数据更正）",
}
AUTO = "auto"
FIRST = "1.0.0"
READ = ("parsed", "partial")


class VersionRefused(Exception):
    """A requested bump the versioning rules do not allow; the message is for the data office."""


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version | None:
        parts = text.split(".")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return None
        return cls(*(int(p) for p in parts))

    def bump(self, kind: str) -> Version:
        if kind == "major":
            return Version(self.major + 1, 0, 0)
        if kind == "minor":
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def versions(releases_dir: Path) -> list[Version]:
    """Every release directory's version, oldest first (aliases and staging dirs left out)."""
    found = [
        Version.parse(p.name) for p in releases_dir.iterdir() if p.is_dir() and not p.is_symlink()
    ]
    return sorted(v for v in found if v is not None)


# What a field says for people, not for code: changing it is not a change of structure.
PRESENTATION = ("title", "description", "enumLabels")


def _structure(schema: dict[str, Any]) -> dict[str, Any]:
    """What code reading the table depends on: not titles and descriptions."""
    return {
        "fields": [{k: v for k, v in f.items() if k not in PRESENTATION} for f in schema["fields"]],
        "primaryKey": schema.get("primaryKey", []),
        "foreignKeys": schema.get("foreignKeys", []),
    }


def fingerprint(table_schemas: dict[str, dict[str, Any]]) -> str:
    """sha256 of the structure of the published tables, in publication order."""
    canonical = json.dumps(
        [[name, _structure(s)] for name, s in table_schemas.items()],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def package_fingerprint(package: dict[str, Any]) -> str:
    """The fingerprint of a published datapackage.json (its CSV resources carry the schemas)."""
    return fingerprint({r["name"]: r["schema"] for r in whole_tables(package["resources"])})


def required_bump(schema_changed: bool, changes: dict[str, Any]) -> str | None:
    """The smallest bump the rules allow for `changes` (see publish.changelog.diff)."""
    if schema_changed:
        return "major"
    if new_data(changes):
        return "minor"
    if any(t["added"] or t["removed"] or t["changed"] for t in changes["tables"].values()):
        return "patch"
    return None


def new_data(changes: dict[str, Any]) -> bool:
    """Body-years added or removed, or a report read now that was missing or unreadable."""
    reports = changes["tables"].get("reports")
    if reports is None:
        return False
    if reports["added"] or reports["removed"]:
        return True
    if "reads_gained" in reports:  # counted across every row (the listed ones may be a part)
        return reports["reads_gained"] > 0
    return any(
        row["change"] == "changed"
        and row["old"].get("status") not in (None, *READ)
        and row["new"].get("status") in READ
        for row in reports["rows"]
    )


def check_bump(requested: str) -> None:
    if requested != AUTO and requested not in BUMPS:
        raise VersionRefused(
            f"版本升级方式只能是 auto、major、minor、patch 之一，不是「{requested}」。"
        )


def next_version(
    previous: Version | None, required: str | None, requested: str, *, force: bool
) -> tuple[Version, str] | None:
    """(version, bump) of the next release, or None when nothing changed and it is not forced.

    Raises VersionRefused when the requested bump is lower than the changes require.
    """
    check_bump(requested)
    if previous is None:
        return Version.parse(FIRST), "initial"  # type: ignore[return-value]
    if required is None and not force:
        return None
    if requested == AUTO:
        kind = required or "patch"
    elif required is not None and BUMPS.index(requested) < BUMPS.index(required):
        raise VersionRefused(
            f"不能按「{requested}」发布：这次的变化至少要升{BUMP_LABELS[required]}，"
            f"请改用 {required} 或 auto。The changes require a {required} bump."
        )
    else:
        kind = requested
    return previous.bump(kind), kind
