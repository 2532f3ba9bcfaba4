"""Parsing archived documents, with a cache keyed by (sha256, parser version): a document
that did not change is never parsed twice."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipelines.datadir import atomic_write
from pipelines.files import sniff
from pipelines.read.document import PARSER_VERSION, parse_bounded
from pipelines.read.report import Finding, NotAReport, Report


@dataclass
class Outcome:
    sha256: str
    source_format: str
    parser_version: str
    report: Report | None
    failure_rule: str | None = None
    failure_reason: str | None = None


def parse_document(digest: str, data: bytes) -> Outcome:
    try:
        fmt, report = parse_bounded(data)
    except NotAReport as e:
        return Outcome(digest, sniff(data), PARSER_VERSION, None, e.rule, e.reason)
    except Exception as e:  # a reader bug on odd input must not stop the other documents
        reason = f"解析器内部错误（{type(e).__name__}: {e}），请把该文件报告给开发者"
        return Outcome(digest, sniff(data), PARSER_VERSION, None, "PARSER_ERROR", reason)
    return Outcome(digest, fmt, PARSER_VERSION, report)


def to_json(outcome: Outcome) -> dict[str, Any]:
    return asdict(outcome)


def from_json(data: dict[str, Any]) -> Outcome:
    report = data.get("report")
    if report is not None:
        report = Report(**{**report, "findings": [Finding(**f) for f in report["findings"]]})
    return Outcome(**{**data, "report": report})


def path_for(cache_root: Path, digest: str) -> Path:
    return cache_root / PARSER_VERSION / digest[:2] / f"{digest}.json"


def cached(cache_root: Path, digest: str) -> bool:
    return path_for(cache_root, digest).exists()


def cached_parse(cache_root: Path, digest: str, data_for: Any) -> tuple[Outcome, bool]:
    """The outcome for a document, from the cache when present; returns (outcome, was_cached).

    `data_for(digest)` is only called on a cache miss, so unchanged documents are not even read.
    """
    path = path_for(cache_root, digest)
    if path.exists():
        return from_json(json.loads(path.read_text(encoding="utf-8"))), True
    outcome = parse_document(digest, data_for(digest))
    atomic_write(path, json.dumps(to_json(outcome), ensure_ascii=False))
    return outcome, False
