"""Local files: a registry `source` or an inbox file is read only when it is a regular file
inside the folders it may come from, and only up to the size cap (`MAX_DOCUMENT_BYTES`).

What is refused, and why: a path that resolves (after `..` and symlinks) outside those folders
(`/proc/self/environ` is the server's secrets); anything but a regular file (a FIFO blocks a
read forever, `/dev/zero` never ends, a folder is no document); a file over the cap. Each is a
`Refused` with the reason in Chinese, so one bad file never stops the others.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from pipelines.files import MAX_DOCUMENT_BYTES, MB

_BLOCK = 1 << 20

# What a non-regular file is, for the clerk.
_KINDS = {
    stat.S_IFDIR: "是文件夹 a folder",
    stat.S_IFIFO: "是命名管道 a FIFO",
    stat.S_IFCHR: "是设备 a device",
    stat.S_IFBLK: "是设备 a device",
    stat.S_IFSOCK: "是套接字 a socket",
}

# Read errors a clerk can act on; any other says its errno name.
_ERRORS = {
    errno.EACCES: "无法读取：权限不足 permission denied",
    errno.EPERM: "无法读取：权限不足 permission denied",
    errno.EIO: "无法读取：读写错误 I/O error",
    errno.ELOOP: "无法读取：符号链接循环 symlink loop",
    errno.ENXIO: "不是普通文件，不予读取 not a regular file",
}


class Refused(Exception):
    """Why a local file is not read, in Chinese (without the file's name: the caller names it
    as the data office does)."""


class NotFound(Refused):
    pass


class Outside(Refused):
    """The path resolves outside the folders it may come from."""


def resolve(path: Path, roots: Iterable[Path]) -> Path:
    """`path` after `..` and every symlink, when that is inside one of `roots`; else `Refused`."""
    try:
        real = path.resolve()
        if any(real.is_relative_to(root.resolve()) for root in roots):
            return real
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        raise Refused(_ERRORS[errno.ELOOP]) from None
    except ValueError:  # a NUL in the name
        raise Refused("文件名无效 invalid file name") from None
    raise Outside("不在允许读取的文件夹内，不予读取 outside the allowed folders")


def read(path: Path, roots: Iterable[Path], cap: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The bytes of a regular file inside `roots`, at most `cap` of them; else `Refused`."""
    real = resolve(path, roots)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: the path was
        # checked after its symlinks, a symlink put there since is not followed.
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        raise NotFound("找不到文件 not found") from None
    except OSError as e:
        raise Refused(_reason(e)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "")
            raise Refused(f"不是普通文件（{kind}），不予读取 not a regular file")
        data = _head(fd, cap + 1)  # never more: a file that grows or never ends stops here
    except OSError as e:
        raise Refused(_reason(e)) from None
    finally:
        os.close(fd)
    if len(data) > cap:
        raise Refused(f"文件过大（超过上限{cap / MB:g}MB），可能不是年度报告 over the size cap")
    return data


def _head(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    left = limit
    while left > 0 and (chunk := os.read(fd, min(left, _BLOCK))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _reason(e: OSError) -> str:
    known = _ERRORS.get(e.errno or 0)
    return known or f"无法读取：{errno.errorcode.get(e.errno or 0, type(e).__name__)}"
