"""Word 97–2003 (.doc) and WPS (.wps): converted to .docx by LibreOffice headless (Debian
`libreoffice-writer-nogui`, installed by `make system`), then read by the DOCX reader.

Each conversion runs in its own temporary directory with its own LibreOffice profile
(`-env:UserInstallation`), so parallel runs never share a profile lock, and within a time
bound: the whole process group is killed when it hangs on a damaged file. LibreOffice's own
program (`soffice.bin`) is started directly, not through its launcher, so that it dies with the
process that started it (a run killed with kill -9 leaves no LibreOffice behind); the launcher's
one service, starting it again after it made a new profile (exit status 81), is done here.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from pipelines.read import limits
from pipelines.read.grid import Row
from pipelines.read.readers import docx
from pipelines.read.report import NotAReport

RESTART = 81  # soffice.bin: "a new profile was made, start me again"
TIMEOUT_SECONDS = 120  # a first start creates the profile (~3 s); a big report converts in ~2 s


def read(data: bytes) -> list[Row]:
    return docx.read(to_docx(data))


def to_docx(data: bytes, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    return convert(data, ".doc", "docx:MS Word 2007 XML", timeout=timeout)


def soffice() -> str | None:
    """LibreOffice's program: soffice.bin beside the launcher where it is (Debian), else the
    launcher."""
    launcher = shutil.which("soffice") or shutil.which("libreoffice")
    if launcher is None:
        return None
    program = Path(launcher).resolve().parent / "soffice.bin"
    return str(program) if program.is_file() else launcher


def convert(data: bytes, suffix: str, target: str, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """`data` (a file ending in `suffix`) converted by LibreOffice to `target` ("ext:Filter")."""
    program = soffice()
    if program is None:
        raise NotAReport(
            "UNSUPPORTED_FORMAT",
            "旧版Word/WPS文件（.doc/.wps）需要LibreOffice转换，本机未安装"
            "（运行 make system 安装 libreoffice-writer-nogui）",
        )
    with tempfile.TemporaryDirectory(prefix="xxgk-doc-") as tmp:
        work = Path(tmp)
        source = work / f"report{suffix}"  # LibreOffice detects .doc and .wps from the content
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        _run(command, timeout, env={**os.environ, "HOME": tmp})
        converted = work / "out" / f"report.{target.split(':')[0]}"
        if not converted.is_file() or converted.stat().st_size == 0:
            raise NotAReport(
                "UNREADABLE_DOCUMENT",
                "Word/WPS文件（.doc/.wps）无法转换，文件可能已损坏或不是Word文档",
            )
        return converted.read_bytes()


def _run(command: list[str], timeout: float, env: dict[str, str]) -> None:
    deadline = time.monotonic() + timeout
    for _ in range(3):  # a first start makes the profile and asks to be started again
        if _once(command, deadline, timeout, env) != RESTART:
            return


def _once(command: list[str], deadline: float, timeout: float, env: dict[str, str]) -> int:
    # A new session: on a timeout the whole group is killed.
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=limits.die_with_parent,
        env=env,
    )
    try:
        return process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise NotAReport(
            "UNREADABLE_DOCUMENT",
            f"Word/WPS文件（.doc/.wps）转换超时（{timeout:.0f}秒），文件可能已损坏",
        ) from None
