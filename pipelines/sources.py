"""Collecting documents: read a local file or download a URL, and keep the exact bytes."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipelines import archive
from pipelines.registry import Entry

MAX_BYTES = 50 * 1024 * 1024  # no annual report is larger; a bigger body is a wrong link
USER_AGENT = "xxgk/0.1 (open data from government disclosure reports)"


@dataclass(frozen=True)
class Document:
    body_id: str
    year: int
    source: str
    sha256: str | None
    bytes: int | None
    error: str | None = None  # why the document could not be had, in Chinese


class SourceError(Exception):
    pass


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def read_source(source: str, base_dir: Path, *, timeout: float = 30.0) -> bytes:
    if is_url(source):
        return _download(source, timeout)
    path = Path(source)
    path = path if path.is_absolute() else base_dir / path
    if not path.is_file():
        raise SourceError(f"找不到文件：{path}")
    if path.stat().st_size > MAX_BYTES:
        raise SourceError(f"文件过大（超过{MAX_BYTES // 1024 // 1024}MB）：{path}")
    return path.read_bytes()


def _download(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as e:
        raise SourceError(f"网站返回错误 HTTP {e.code}：{url}") from e
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise SourceError(f"无法连接或下载超时（{reason}）：{url}") from e
    if len(data) > MAX_BYTES:
        raise SourceError(f"下载内容过大（超过{MAX_BYTES // 1024 // 1024}MB）：{url}")
    return data


def collect(entry: Entry, base_dir: Path, archive_root: Path) -> Document:
    """Get one registry entry's document into the archive; failures become a reason."""
    try:
        data = read_source(entry.source, base_dir)
    except SourceError as e:
        return Document(entry.body_id, entry.year, entry.source, None, None, str(e))
    digest = archive.store(archive_root, data)
    archive.record(
        archive_root,
        {
            "sha256": digest,
            "source": entry.source,
            "body_id": entry.body_id,
            "year": entry.year,
            "bytes": len(data),
            "collected_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    return Document(entry.body_id, entry.year, entry.source, digest, len(data))
