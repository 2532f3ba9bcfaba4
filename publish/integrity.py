"""Whether a release is still what was published: every file against its checksums.

Each release carries `SHA256SUMS` (the `sha256sum -c` format) with the sha256 of every other
file in it, written last while it is built; its datapackage.json carries each data file's bytes
and sha256. A release made before SHA256SUMS existed is checked against its datapackage.json
only. A release is complete only when it verifies: a directory existing proves nothing (a hand
edit, a flipped byte, a half copy).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipelines.files import file_sha256

MANIFEST = "SHA256SUMS"
DESCRIPTOR = "datapackage.json"


def _files(release: Path) -> list[str]:
    """Every file of the release but the manifest, as relative POSIX paths, sorted."""
    return sorted(
        p.relative_to(release).as_posix()
        for p in release.rglob("*")
        if p.is_file() and p.name != MANIFEST
    )


def manifest(release: Path, known: dict[str, str] | None = None) -> str:
    """SHA256SUMS of a release directory as built so far (deterministic: sorted paths).
    `known`: the sha256 of files this run already hashed or copied from a verified release."""
    known = known or {}
    return "".join(
        f"{known.get(name) or file_sha256(release / name)}  {name}\n" for name in _files(release)
    )


def listed(release: Path) -> dict[str, str]:
    """The sha256 of each file as the release's SHA256SUMS lists it (empty without one)."""
    sums = release / MANIFEST
    return _listed(sums.read_text("utf-8")) if sums.is_file() else {}


def _listed(text: str) -> dict[str, str]:
    digests = {}
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        if name:
            digests[name] = digest
    return digests


def _manifest_problems(release: Path, text: str, hashed: dict[str, str]) -> list[str]:
    """`hashed`: the files already hashed against datapackage.json (each file read once)."""
    listed = _listed(text)
    problems = []
    for name, digest in listed.items():
        path = release / name
        if not path.is_file():
            problems.append(f"{name}：文件缺失 missing")
        elif (hashed.get(name) or file_sha256(path)) != digest:
            problems.append(f"{name}：内容与 {MANIFEST} 的 sha256 不符 changed")
    problems += [
        f"{name}：{MANIFEST} 中没有的文件 not listed"
        for name in _files(release)
        if name not in listed
    ]
    return problems


def resource_problems(
    release: Path, resources: list[dict[str, Any]], hashed: dict[str, str] | None = None
) -> list[str]:
    """Each data file against the bytes and sha256 its datapackage.json gives; each file's
    sha256 is put in `hashed`."""
    hashed = {} if hashed is None else hashed
    problems = []
    for r in resources:
        path = release / r["path"]
        if not path.is_file():
            problems.append(f"{r['path']}：文件缺失 missing")
            continue
        hashed[r["path"]] = digest = file_sha256(path)
        if path.stat().st_size != r.get("bytes") or f"sha256:{digest}" != r.get("hash"):
            problems.append(f"{r['path']}：文件大小或 sha256 与 {DESCRIPTOR} 不符 changed")
    return problems


def problems(release: Path) -> list[str]:
    """Every file of `release` that is not as published, one line each (empty: it verifies)."""
    if not release.is_dir():
        return [f"{release.name}：不是发布目录 not a release"]
    try:
        package = json.loads((release / DESCRIPTOR).read_text(encoding="utf-8"))
        resources = list(package["resources"])
    except (OSError, ValueError, KeyError, TypeError):
        return [f"{DESCRIPTOR}：缺失或无法读取 missing or unreadable"]
    hashed: dict[str, str] = {}
    found = resource_problems(release, resources, hashed)
    sums = release / MANIFEST
    if sums.is_file():  # one line per bad file: a data file's is already there
        named = {line.partition("：")[0] for line in found}
        found += [
            p
            for p in _manifest_problems(release, sums.read_text("utf-8"), hashed)
            if p.partition("：")[0] not in named
        ]
    return found
