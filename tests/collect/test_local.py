"""Local files: a registry source that cannot be read, is not a regular file, is over the size
cap or lies outside the registry's folder (and the folders configured in `local_dirs`) is that
entry's reason in Chinese; the other entries are collected and published."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.collect import archive, local
from pipelines.files import MAX_DOCUMENT_BYTES

from support.files import fifo_released_after
from support.portal import report_html
from support.runs import release_run

HEADER = "body_id,name,region_name,region_code,level,parent_id,year,source,synthetic\n"
SECRET = b"XXGK_TEST_SECRET=do-not-archive"


def make_hostile(folder: Path) -> dict[str, str]:
    """Registry sources (relative to `folder`) and the reason each must get."""
    os.mkfifo(folder / "fifo.pdf")
    (folder / "folder.pdf").mkdir()
    (folder / "zero.pdf").symlink_to("/dev/zero")
    (folder / "loop.pdf").symlink_to("loop.pdf")
    with (folder / "huge.pdf").open("wb") as f:  # sparse: no disk used
        f.truncate(MAX_DOCUMENT_BYTES + 1)
    (folder.parent / "secret.txt").write_bytes(SECRET)
    (folder / "link.html").symlink_to(folder.parent / "secret.txt")
    return {
        "fifo.pdf": "不是普通文件（是命名管道",
        "folder.pdf": "不是普通文件（是文件夹",
        "zero.pdf": "不在登记表所在目录",  # /dev/zero, reached by a symlink
        "loop.pdf": "无法读取：符号链接循环",
        "huge.pdf": "文件过大（超过上限50MB）",
        "../secret.txt": "不在登记表所在目录",
        "link.html": "不在登记表所在目录",
        "/proc/self/environ": "不在登记表所在目录",
        "/proc/self/mem": "不在登记表所在目录",  # reading it fails (EIO)
    }


def test_hostile_sources_are_each_entrys_reason_and_the_others_are_published(tmp_path):
    folder = tmp_path / "office"
    (folder / "docs").mkdir(parents=True)
    reasons = make_hostile(folder)
    (folder / "docs" / "good.html").write_bytes(report_html("永安市财政局", 2023))
    shared = tmp_path / "shared"  # a folder the data office configures besides its own
    shared.mkdir()
    (shared / "jy.html").write_bytes(report_html("永安市教育局", 2023))
    rows = [
        "cz,永安市财政局,永安市,350481,department,,2023,docs/good.html,\n",
        f"jy,永安市教育局,永安市,350481,department,,2023,{shared / 'jy.html'},\n",
        *(
            f"b{i},机关{i},永安市,350481,department,,2023,{source},\n"
            for i, source in enumerate(reasons)
        ),
    ]
    registry = folder / "registry.csv"
    registry.write_text(HEADER + "".join(rows), encoding="utf-8")
    data = tmp_path / "data"
    with fifo_released_after(folder / "fifo.pdf") as blocked:
        result = release_run(data, registry, paths={"local_dirs": str(shared)})
    assert not blocked, "reading the FIFO blocked"
    archived = [archive.load(data / "raw", e["sha256"]) for e in archive.history(data / "raw")]
    assert not any(SECRET in a or b"PATH=" in a for a in archived)  # nothing from outside
    reports = {r["body_id"]: r for r in result.table("reports")}
    assert reports["cz"]["status"] == "parsed"
    assert reports["jy"]["status"] == "parsed"  # an absolute path inside `local_dirs`
    for i, (source, reason) in enumerate(reasons.items()):
        r = reports[f"b{i}"]
        assert r["status"] == "missing" and r["status_reason"].startswith(reason), r
        assert r["status_reason"].endswith(f"：{source}")  # named as the registry does


@pytest.mark.parametrize(
    ("path", "root", "reason"),
    [
        ("/proc/self/mem", "/proc/self", "无法读取：读写错误"),  # a regular file whose read fails
        ("/dev/zero", "/dev", "不是普通文件（是设备"),  # endless
        ("/proc/self/environ", "/tmp", "不在允许读取的文件夹内"),
    ],
)
def test_system_files_are_refused_even_inside_an_allowed_folder(path, root, reason):
    with pytest.raises(local.Refused) as refused:
        local.read(Path(path), (Path(root),))
    assert str(refused.value).startswith(reason)


def test_a_file_without_read_permission_is_refused(tmp_path):
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(b"%PDF-1.4")
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        pytest.skip("running as root: a file without permissions is still readable")
    with pytest.raises(local.Refused) as refused:
        local.read(locked, (tmp_path,))
    assert str(refused.value).startswith("无法读取：权限不足")


def test_at_most_the_cap_is_read(tmp_path):
    big = tmp_path / "big.pdf"
    big.write_bytes(b"x" * 10)
    assert local.read(big, (tmp_path,), cap=10) == b"x" * 10
    with pytest.raises(local.Refused, match="文件过大"):
        local.read(big, (tmp_path,), cap=9)
