"""The raw archive: every document stored once by the sha256 of its exact bytes.

Append-only: a file is written once and never changed; `provenance.jsonl` records each time
a document was collected (where from, when), one JSON object per line.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from pipelines.datadir import atomic_write
from pipelines.files import sha256


def path_for(root: Path, digest: str) -> Path:
    return root / "sha256" / digest[:2] / digest


def store(root: Path, data: bytes) -> str:
    digest = sha256(data)
    target = path_for(root, digest)
    if not target.exists():
        atomic_write(target, data)  # a reader never sees half a file
    return digest


def load(root: Path, digest: str) -> bytes:
    return path_for(root, digest).read_bytes()


def record(root: Path, entry: dict[str, Any]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
    with _LOG_LOCK, (root / "provenance.jsonl").open("a", encoding="utf-8") as log:
        log.write(line)  # one write per line: lines of parallel downloads never interleave


_LOG_LOCK = threading.Lock()


def history(root: Path) -> list[dict[str, Any]]:
    """Every provenance record, oldest first."""
    path = root / "provenance.jsonl"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as log:
        return [json.loads(line) for line in log if line.strip()]
