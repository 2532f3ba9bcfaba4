"""Parsing archived documents, with a cache keyed by (sha256, parser version): a document
that did not change is never parsed twice."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pipelines.datadir import atomic_write
from pipelines.files import sniff
from pipelines.read.document import PARSER_VERSION, parse_each
from pipelines.read.limits import Failed
from pipelines.read.report import Finding, NotAReport, Report

Parsed = tuple[str, Report] | Failed


@dataclass
class Outcome:
    sha256: str
    source_format: str
    parser_version: str
    report: Report | None
    failure_rule: str | None = None
    failure_reason: str | None = None


def outcome_of(digest: str, load: Callable[[], bytes], result: Parsed) -> Outcome:
    """The cached outcome of one document's reading (`document.parse_each`)."""
    if not isinstance(result, Failed):
        fmt, report = result
        return Outcome(digest, fmt, PARSER_VERSION, report)
    e = result.error
    fmt = sniff(load())  # read again only for a refusal, to say what the file is
    if isinstance(e, NotAReport):
        return Outcome(digest, fmt, PARSER_VERSION, None, e.rule, e.reason)
    reason = f"解析器内部错误（{e}），请把该文件报告给开发者"  # a reader bug on odd input
    return Outcome(digest, fmt, PARSER_VERSION, None, "PARSER_ERROR", reason)


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
    return parse_all(cache_root, [digest], data_for)[0], False


def parse_all(cache_root: Path, digests: Sequence[str], data_for: Any) -> list[Outcome]:
    """Each document read and its outcome cached (one child process reads them one after
    another, each within the limits on one document); `data_for(digest)` gives its bytes."""
    loads = [partial(data_for, d) for d in digests]
    out = []
    for digest, load, result in zip(digests, loads, parse_each(loads), strict=True):
        outcome = outcome_of(digest, load, result)
        atomic_write(path_for(cache_root, digest), json.dumps(to_json(outcome), ensure_ascii=False))
        out.append(outcome)
    return out
