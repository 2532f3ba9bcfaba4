"""The inbox: a folder (data dir `inbox/`) where the data office drops reports received by
other means (e-mail, a USB stick, a paper copy scanned…).

Each file is stored in the raw archive as soon as it is seen (so it is never lost, even if it
is later deleted from the folder), then matched to a body and year: from the document's own
title (agency and year, as the parser reads them), else from the file name. A file that
cannot be matched stays in the folder with the reason, shown in the UI.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from pipelines.collect import archive, local
from pipelines.collect.discovery import report_year
from pipelines.datadir import atomic_write
from pipelines.registry.model import Entry
from pipelines.text import squash

# Files the office's tools leave beside real ones.
_IGNORED_PREFIXES = (".", "~$")
_IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload")


@dataclass(frozen=True)
class InboxFile:
    file: str  # path relative to the inbox folder, as shown (`shown_name`)
    sha256: str | None  # None: the file could not be read (the reason says why)
    bytes: int
    received_at: str  # when it was dropped (file time, UTC)
    body_id: str | None = None
    year: int | None = None
    matched_by: str | None = None  # 文件内容 document / 文件名 file name
    reason: str | None = None  # why it is not used, in Chinese

    @property
    def matched(self) -> bool:
        return self.reason is None


def shown_name(relative: bytes) -> str:
    """A file's path as a clerk can read it, and as it can be written anywhere (UTF-8): a name
    that is not UTF-8 (a Windows zip unpacked here: GBK bytes) is decoded as GBK, or else
    shown with its bytes escaped (\\xff)."""
    return "/".join(_shown(part) for part in relative.split(b"/"))


def _shown(raw: bytes) -> str:
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return _escaped(raw)


def _escaped(raw: bytes) -> str:
    return raw.decode("utf-8", "backslashreplace")


class Dropped(NamedTuple):
    path: Path
    size: int
    mtime_ns: int


def dropped(inbox_dir: Path) -> dict[str, Dropped]:
    """Every file of the inbox by its shown name (`shown_name`). Symlinks are listed, not
    followed: a symlinked folder is not walked (reading refuses what points out of the inbox)."""
    if not inbox_dir.is_dir():
        return {}
    found: list[tuple[str, bool, bytes, Path]] = []
    for folder, dirs, files in os.walk(inbox_dir):
        linked = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        for name in files + linked:
            if name.startswith(_IGNORED_PREFIXES) or name.lower().endswith(_IGNORED_SUFFIXES):
                continue
            path = Path(folder, name)
            raw = os.fsencode(path.relative_to(inbox_dir))
            shown = shown_name(raw)
            found.append((shown, shown != _escaped(raw), raw, path))
    out: dict[str, Dropped] = {}
    # UTF-8 names first: a GBK name shown like one of them is shown with its bytes escaped
    for shown, _, raw, path in sorted(found):
        try:
            st = os.stat(path) if os.path.exists(path) else os.lstat(path)  # a broken link: itself
        except OSError:  # removed meanwhile
            continue
        out[shown if shown not in out else _escaped(raw)] = Dropped(
            path, st.st_size, st.st_mtime_ns
        )
    return out


def listing(inbox_dir: Path) -> dict[str, tuple[int, int]]:
    """Every file of the inbox with (size, mtime in ns): what the sensor compares."""
    return {name: (d.size, d.mtime_ns) for name, d in dropped(inbox_dir).items()}


def match_body(text: str, entries: list[Entry]) -> list[str]:
    """Bodies whose name, former name or id the text contains; the longest name wins."""
    best: dict[str, int] = {}
    squashed = squash(text)
    for e in entries:
        for name in (*e.names, e.body_id):
            if name and squash(name) in squashed:
                best[e.body_id] = max(best.get(e.body_id, 0), len(name))
    if not best:
        return []
    top = max(best.values())
    return sorted(b for b, n in best.items() if n == top)


def _file_year(name: str) -> int | None:
    year = report_year(name)
    if year is not None:
        return year
    found = sorted(set(re.findall(r"(?<!\d)(20\d{2})(?!\d)", name)))
    return int(found[0]) if len(found) == 1 else None


def match(
    file: str, title: tuple[str | None, int | None] | None, entries: list[Entry]
) -> tuple[str | None, int | None, str | None, str | None]:
    """(body_id, year, matched_by, reason): from the document's title, then the file name."""
    agency, year = title or (None, None)
    by = "文件内容"
    bodies: list[str] = []
    if agency:
        bodies = match_body(agency, entries)
    if not bodies:
        bodies = match_body(Path(file).stem, entries)
        by = "文件名"
    if year is None:
        year = _file_year(Path(file).stem)
    shown = f"文件标题中的机关为「{agency}」，" if agency else ""
    if not bodies:
        return (
            None,
            year,
            None,
            f"{shown}文件名「{file}」中也没有登记表中任何机关的名称、曾用名或编号，"
            "无法确定是哪个机关的报告（可把文件改名为“机关全称+年度”后重新放入）",
        )
    if len(bodies) > 1:
        return None, year, None, f"文件可能属于多个机关（{'、'.join(bodies)}），请改名写明机关全称"
    if year is None:
        return bodies[0], None, by, "文件标题和文件名中都读不出统计年度（如“2023年”）"
    if not any(e.body_id == bodies[0] and e.year == year for e in entries):
        return (
            bodies[0],
            year,
            by,
            f"登记表中没有机关 {bodies[0]} 的{year}年度（该年不在其存续年度内？），请在登记表中补一行",
        )
    return bodies[0], year, by, None


def scan(
    inbox_dir: Path,
    archive_root: Path,
    entries: list[Entry],
    title_of: Callable[[str], tuple[str | None, int | None] | None],
) -> list[InboxFile]:
    """Every inbox file, archived and matched. `title_of(sha256)` gives the (agency, year) the
    parser reads from an archived document, or None when it is not a readable report.

    Two files for one body and year: the one dropped last is used, the other says so."""
    seen_path = archive_root / "inbox-seen.json"
    seen: dict[str, str] = (
        json.loads(seen_path.read_text(encoding="utf-8")) if seen_path.exists() else {}
    )
    files: list[InboxFile] = []
    for name, (path, size, mtime_ns) in dropped(inbox_dir).items():
        received = datetime.fromtimestamp(mtime_ns / 1e9, UTC).isoformat(timespec="seconds")
        try:
            data = local.read(path, (inbox_dir,))
        except local.Refused as e:  # this file is reported, the others go on
            files.append(InboxFile(name, None, size, received, reason=_refusal(e)))
            continue
        digest = archive.store(archive_root, data)
        if seen.get(name) != digest:
            archive.record(
                archive_root,
                {
                    "event": "inbox",
                    "sha256": digest,
                    "source": f"inbox/{name}",
                    "bytes": len(data),
                    "collected_at": received,
                },
            )
            seen[name] = digest
        body, year, by, reason = match(name, title_of(digest), entries)
        files.append(InboxFile(name, digest, len(data), received, body, year, by, reason))
    atomic_write(seen_path, json.dumps(seen, ensure_ascii=False, sort_keys=True))
    return _latest_wins(files)


def _refusal(e: local.Refused) -> str:
    if isinstance(e, local.Outside):
        return "是指向收件箱之外的链接，不予读取（请把文件本身放入收件箱）a link out of the inbox"
    return str(e)


def _latest_wins(files: list[InboxFile]) -> list[InboxFile]:
    latest: dict[tuple[str, int], InboxFile] = {}
    for f in files:
        if f.matched:
            key = (f.body_id or "", f.year or 0)
            if key not in latest or (f.received_at, f.file) > (
                latest[key].received_at,
                latest[key].file,
            ):
                latest[key] = f
    out = []
    for f in files:
        key = (f.body_id or "", f.year or 0)
        if f.matched and latest[key] is not f:
            f = InboxFile(
                **{
                    **asdict(f),
                    "reason": f"同一机关同一年度有更新的文件「{latest[key].file}」，本文件未采用",
                }
            )
        out.append(f)
    return out
