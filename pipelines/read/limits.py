"""Bounds on reading one document, so that no single file can stall or sink a run.

Readers cap what a file may ask of them (spans, cells, pages, pixels, unzipped bytes); over a
cap a document is refused as LIMIT_EXCEEDED with the cap named. What no cap can foresee (a
compression bomb inside a PDF, a table that is slow to read) is bounded by reading each document
in a child process held to a wall-clock and a memory limit: the child is killed, the document
refused with the limit named, and the run goes on.

Each limit can be changed by an environment variable (README, "Limits"), e.g. for a data office
whose scans run to a hundred pages.
"""

from __future__ import annotations

import ctypes
import faulthandler
import io
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from zipfile import BadZipFile, ZipFile

from pipelines.files import MAX_DOCUMENT_BYTES, MB
from pipelines.read.report import NotAReport

T = TypeVar("T")
RULE = "LIMIT_EXCEEDED"


def _env(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class Limits:
    max_mb: int = MAX_DOCUMENT_BYTES // MB  # what is fetched or read from a folder, at most
    seconds: int = 300  # reading one document, OCR included
    memory_mb: int = 3072  # what reading one document may add to the process
    max_span: int = 100  # rowspan/colspan of one HTML cell (the template's tables: < 40)
    max_cells: int = 20_000  # cells of one table (the template's largest: ≈300)
    document_cells: int = 200_000  # cells of all a document's tables (a report's: ≈1,000)
    ocr_pages: int = 50  # pages of one document read by OCR
    page_pixels: int = 40_000_000  # pixels of one page rendered for OCR (A4 at 300 dpi: 8.7 M)
    unzipped_mb: int = 200  # a Word file's parts once unzipped

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            max_mb=_env("XXGK_MAX_DOCUMENT_MB", cls.max_mb),
            seconds=_env("XXGK_DOCUMENT_SECONDS", cls.seconds),
            memory_mb=_env("XXGK_DOCUMENT_MEMORY_MB", cls.memory_mb),
            max_span=_env("XXGK_MAX_SPAN", cls.max_span),
            max_cells=_env("XXGK_MAX_TABLE_CELLS", cls.max_cells),
            document_cells=_env("XXGK_MAX_DOCUMENT_CELLS", cls.document_cells),
            ocr_pages=_env("XXGK_OCR_MAX_PAGES", cls.ocr_pages),
            page_pixels=_env("XXGK_OCR_MAX_PIXELS", cls.page_pixels),
            unzipped_mb=_env("XXGK_MAX_UNZIPPED_MB", cls.unzipped_mb),
        )


def current() -> Limits:
    return Limits.from_env()


def refuse(what: str, limit: str) -> NotAReport:
    """The refusal for a document over a limit: what it has, and the limit it passed."""
    return NotAReport(RULE, f"{what}，超过处理上限（{limit}），未读取")


def check_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_mb * MB:
        raise refuse(f"文件大小{len(data) / MB:.1f} MB", f"{limits.max_mb} MB")


def check_unzipped(data: bytes, what: str, limits: Limits) -> None:
    """A zip (Word's .docx) whose parts would unzip past the cap (a zip bomb): refused before a
    byte is inflated. The sizes are those the zip declares; Python's zipfile inflates no more
    than declared, so a zip that lies fails its checksum instead."""
    try:
        with ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (BadZipFile, ValueError, OSError):
        return  # damaged: the reader says so
    if size > limits.unzipped_mb * MB:
        raise refuse(f"{what}解压后有{size / MB:.0f} MB", f"解压后{limits.unzipped_mb} MB")


def check_cells(count: int, what: str, limits: Limits) -> None:
    if count > limits.max_cells:
        raise refuse(
            f"{what}超过{limits.max_cells}格（合并单元格按展开计）", f"每表{limits.max_cells}格"
        )


def check_document_cells(count: int, limits: Limits) -> None:
    if count > limits.document_cells:
        raise refuse(
            f"文件中的表格共超过{limits.document_cells}格", f"全文{limits.document_cells}格"
        )


def check_pages(count: int, limits: Limits) -> None:
    if count > limits.ocr_pages:
        raise refuse(f"需要OCR识别的页面有{count}页", f"OCR最多{limits.ocr_pages}页")


def check_pixels(width: float, height: float, page: int, limits: Limits) -> None:
    if width * height > limits.page_pixels:
        raise refuse(
            f"第{page}页有{width:.0f}×{height:.0f}像素",
            f"每页{limits.page_pixels / 1e6:.0f}百万像素",
        )


def bounded(fn: Callable[[], T], limits: Limits) -> T:
    """`fn()` run in a forked child held to `limits` (wall clock, memory); its result or the
    `NotAReport` it raised, or a LIMIT_EXCEEDED refusal when the child was stopped."""
    (outcome,) = bounded_each([fn], limits)
    if isinstance(outcome, Failed):
        raise outcome.error
    return outcome


@dataclass(frozen=True)
class Failed:
    """A call of `bounded_each` that gave no result: the refusal (or reader error) it stands for."""

    error: Exception


def bounded_each(calls: Sequence[Callable[[], T]], limits: Limits) -> list[T | Failed]:
    """Each call's result (or `Failed`), in order, each call held to `limits` (wall clock,
    memory) in a forked child.

    Fork, not a fresh interpreter: the child starts in milliseconds with the readers already
    imported. One child serves the calls one after another: a fresh child per document cost 4 to
    22 ms more per document (measured: the fork, and the readers warming up again), which at
    10,000 documents is minutes. A call over a limit loses only itself: its child is stopped and
    a new one takes the next call. Each call may add `limits.memory_mb` to what the child had
    mapped when the call began; a child that has grown by RENEW_MB leaves after a call and a
    fresh one goes on. Locks other threads held at the fork are reset in the child (see
    `os.register_at_fork` in the PDF layer), and engines are made per process (OCR).
    """
    results: list[T | Failed] = []
    while len(results) < len(calls):
        results += _one_child(calls, len(results), limits)
    return results


RENEW_MB = 256  # a child that has grown by this much is replaced by a fresh one
_HEADER = 8  # each outcome the child sends: its length (8 bytes, big-endian), then the pickle


def _one_child(calls: Sequence[Callable[[], Any]], start: int, limits: Limits) -> list[Any]:
    """The outcomes of calls[start:] that one child gave before it ended or was stopped (at
    least one: the call it was stopped in is refused)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(calls[start:], write_end, limits)
    os.close(write_end)
    out: list[Any] = []
    status: int | None = None
    try:
        while start + len(out) < len(calls):
            payload = _message(read_end, time.monotonic() + limits.seconds)
            if payload is None:
                os.kill(pid, signal.SIGKILL)
                out.append(Failed(refuse(f"读取用时超过{limits.seconds}秒", f"{limits.seconds}秒")))
                break
            if not payload:  # the child ended: renewed after its last call, or died in this one
                _, status = os.waitpid(pid, 0)
                if os.waitstatus_to_exitcode(status) != 0 or not out:
                    out.append(Failed(_died(status, limits)))
                break
            out.append(_result(pickle.loads(payload), limits))
    finally:
        os.close(read_end)
        if status is None:
            os.waitpid(pid, 0)
    return out


def _died(status: int, limits: Limits) -> NotAReport:
    code = os.waitstatus_to_exitcode(status)
    return refuse(f"读取时进程异常退出（{code}），多半是内存不够", f"内存{limits.memory_mb} MB")


def _message(fd: int, deadline: float) -> bytes | None:
    """The child's next outcome; b"" if it ended first, None if it was not done by `deadline`."""
    header = _receive(fd, _HEADER, deadline)
    if header is None:
        return None
    if len(header) < _HEADER:
        return b""  # the child ended
    size = int.from_bytes(header, "big")
    payload = _receive(fd, size, deadline)
    if payload is None or len(payload) == size:
        return payload
    return b""  # cut short: the child died while sending


def _receive(fd: int, size: int, deadline: float) -> bytes | None:
    """`size` bytes from `fd` (fewer if it was closed first), or None at `deadline`."""
    chunks, got = [], 0
    while got < size:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, min(size - got, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _child(calls: Sequence[Callable[[], Any]], fd: int, limits: Limits) -> None:
    code = 0
    try:
        die_with_parent()
        # A child stopped by its memory limit dies in C (pdfium aborts): what it would print
        # (a faulthandler dump, "std::bad_alloc") is not news; its outcome is the refusal.
        faulthandler.disable()
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        began = _mapped()
        hard = began + (RENEW_MB + limits.memory_mb) * MB
        for fn in calls:
            now = _mapped()
            # the soft limit is raised per call (a process may, up to its hard limit)
            resource.setrlimit(resource.RLIMIT_AS, (now + limits.memory_mb * MB, hard))
            data = pickle.dumps(_outcome(fn))
            view = memoryview(len(data).to_bytes(_HEADER, "big") + data)
            while view:
                view = view[os.write(fd, view) :]
            if _mapped() > began + RENEW_MB * MB:
                break
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _outcome(fn: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        return ("ok", fn())
    except NotAReport as e:
        return ("refused", e.rule, e.reason)
    except MemoryError:
        return ("memory",)
    except RecursionError:
        return ("deep",)
    except Exception as e:  # a reader bug: said as such by the caller
        return ("error", type(e).__name__, str(e)[:500])


def die_with_parent() -> None:
    """This process is killed when the one that started it dies (Linux PR_SET_PDEATHSIG): a
    run killed with kill -9 leaves no reading child, and no LibreOffice, behind it."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG


def _mapped() -> int:
    """What this process has mapped, in bytes (what RLIMIT_AS counts)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def _result(outcome: tuple[Any, ...], limits: Limits) -> Any:
    kind = outcome[0]
    if kind == "ok":
        return outcome[1]
    if kind == "refused":
        return Failed(NotAReport(outcome[1], outcome[2]))
    if kind == "memory":
        return Failed(refuse("读取所需内存过多", f"内存{limits.memory_mb} MB"))
    if kind == "deep":
        return Failed(refuse("文件结构嵌套过深", "Python递归深度"))
    return Failed(ReaderError(outcome[1], outcome[2]))


class ReaderError(Exception):
    """A reader failed on this document in the child: a bug, reported as PARSER_ERROR."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
