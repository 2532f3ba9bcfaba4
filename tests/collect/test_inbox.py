"""The inbox: files dropped by the data office are archived, matched to a body and year (from
the document's title, then the file name), and a run is requested by the sensor."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest

from assets.automation import inbox_sensor
from assets.resources import XxgkPaths
from pipelines import run
from pipelines.collect import archive, inbox
from pipelines.files import MAX_DOCUMENT_BYTES
from pipelines.registry import load as registry
from pipelines.registry.model import Registry

from support.files import fifo_released_after
from support.portal import report_html
from support.runs import release_run

HEADER = "body_id,name,region_name,region_code,level,parent_id,year,source,synthetic,aliases\n"
ROWS = (
    "cz,永安市财政局,永安市,350481,department,,2023,,,永安市地方税务局\n"
    "jy,永安市教育局,永安市,350481,department,,2023,,,\n"
)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[XxgkPaths, Registry]:
    reg_path = tmp_path / "registry.csv"
    reg_path.write_text(HEADER + ROWS, encoding="utf-8")
    paths = XxgkPaths(data_dir=str(tmp_path / "data"), registry=str(reg_path))
    paths.data.inbox.mkdir(parents=True)
    return paths, registry.load(reg_path)


def drop(paths: XxgkPaths, name: str, data: bytes, mtime: int | None = None) -> None:
    path = paths.data.inbox / name
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def scan(paths: XxgkPaths, reg: Registry) -> dict[str, inbox.InboxFile]:
    s = paths.settings()
    run.registry(s)  # the entries the inbox is matched against
    return {f.file: f for f in run.scan_inbox(s)}


def test_files_are_matched_by_title_then_file_name_and_never_lost(setup):
    paths, reg = setup
    drop(
        paths, "扫描件001.html", report_html("永安市地方税务局", 2023)
    )  # former name, in the title
    drop(paths, "永安市教育局2023年年报.txt", "（扫描件，无文字）".encode())
    drop(paths, "会议纪要.docx", b"PK\x03\x04 something else")
    drop(paths, "永安市财政局年报.html", "<html><p>年报</p></html>".encode())
    drop(paths, ".~lock.x#", b"office lock file")
    files = scan(paths, reg)
    assert set(files) == {
        "扫描件001.html",
        "永安市教育局2023年年报.txt",
        "会议纪要.docx",
        "永安市财政局年报.html",
    }
    by_title = files["扫描件001.html"]
    assert (by_title.body_id, by_title.year, by_title.matched_by) == ("cz", 2023, "文件内容")
    by_name = files["永安市教育局2023年年报.txt"]
    assert (by_name.body_id, by_name.year, by_name.matched_by) == ("jy", 2023, "文件名")
    unknown = files["会议纪要.docx"]
    assert not unknown.matched and "无法确定是哪个机关" in (unknown.reason or "")
    no_year = files["永安市财政局年报.html"]
    assert not no_year.matched and "读不出统计年度" in (no_year.reason or "")
    # every file, matched or not, is in the archive with its provenance
    for f in files.values():
        assert (
            archive.load(paths.data.archive, f.sha256) == (paths.data.inbox / f.file).read_bytes()
        )
    events = [r for r in archive.history(paths.data.archive) if r["event"] == "inbox"]
    assert len(events) == 4
    scan(paths, reg)  # a second look records nothing new
    assert len([r for r in archive.history(paths.data.archive) if r["event"] == "inbox"]) == 4


def test_the_newest_file_for_a_body_and_year_wins(setup):
    paths, reg = setup
    drop(paths, "cz-old.html", report_html("永安市财政局", 2023), mtime=1_700_000_000)
    drop(paths, "cz-new.html", report_html("永安市财政局", 2023) + b" ", mtime=1_700_100_000)
    files = scan(paths, reg)
    assert files["cz-new.html"].matched
    assert "更新的文件「cz-new.html」" in (files["cz-old.html"].reason or "")


def test_a_year_the_registry_does_not_have_is_explained(setup):
    paths, reg = setup
    drop(paths, "x.html", report_html("永安市财政局", 2020))
    (f,) = scan(paths, reg).values()
    assert not f.matched and "登记表中没有机关 cz 的2020年度" in (f.reason or "")


def test_sensor_requests_a_run_for_new_files_only(setup):
    paths, _ = setup
    instance = dg.DagsterInstance.ephemeral()

    def evaluate(cursor: str | None) -> dg.SensorResult:
        context = dg.build_sensor_context(
            instance=instance, cursor=cursor, resources={"paths": paths}
        )
        return inbox_sensor(context)

    empty = evaluate(None)
    assert not empty.run_requests and "没有新文件" in (empty.skip_reason.skip_message or "")
    drop(paths, "a.html", report_html("永安市财政局", 2023))
    first = evaluate(None)
    assert len(first.run_requests) == 1 and first.cursor
    again = evaluate(first.cursor)
    assert not again.run_requests  # nothing new
    drop(paths, "不知道是谁的.txt", b"hello")
    unmatched = evaluate(first.cursor)
    assert not unmatched.run_requests
    assert "无法确定是哪个机关" in (unmatched.skip_reason.skip_message or "")


def test_inbox_document_goes_through_the_whole_graph(setup):
    paths, _ = setup
    drop(paths, "来件.html", report_html("永安市地方税务局", 2023))
    result = release_run(Path(paths.data_dir), Path(paths.registry))
    reports = {r["body_id"]: r for r in result.table("reports")}
    assert reports["cz"]["status"] == "parsed" and reports["cz"]["source"] == "收件箱：来件.html"
    assert reports["cz"]["warnings"] == 0  # printed under its former name: no mismatch
    assert reports["jy"]["status"] == "missing"
    coverage = {r["body_id"]: r for r in result.table("coverage")}
    assert coverage["cz"]["found_by"] == "inbox" and coverage["cz"]["status"] == "received"
    assert coverage["jy"]["status"] == "missing"
    checks = {name: e.passed for name, e in result.checks().items()}
    assert checks["inbox_files_matched"] and not checks["every_report_found"]


def evaluate_sensor(paths: XxgkPaths, cursor: str | None = None) -> dg.SensorResult:
    context = dg.build_sensor_context(
        instance=dg.DagsterInstance.ephemeral(), cursor=cursor, resources={"paths": paths}
    )
    return inbox_sensor(context)


def test_file_names_in_gbk_are_shown_in_chinese_matched_and_published(setup):
    paths, _ = setup
    inbox_dir = os.fsencode(paths.data.inbox)
    # a Windows zip unpacked on Linux: the names are GBK bytes, not UTF-8
    by_name = "永安市教育局2023年年报.txt"
    with open(os.path.join(inbox_dir, by_name.encode("gbk")), "wb") as f:
        f.write("（扫描件，无文字）".encode())
    with open(os.path.join(inbox_dir, "来件.html".encode("gbk")), "wb") as f:
        f.write(report_html("永安市财政局", 2023))
    with open(os.path.join(inbox_dir, b"\xff\xfe-2023.txt"), "wb") as f:  # not GBK either
        f.write(b"hello")
    sensed = evaluate_sensor(paths)
    assert len(sensed.run_requests) == 1
    files = {f.file: f for f in run.inbox_files(paths.settings())}  # as the parquet holds them
    assert set(files) == {by_name, "来件.html", "\\xff\\xfe-2023.txt"}
    assert (files[by_name].body_id, files[by_name].year) == ("jy", 2023)
    assert files[by_name].matched_by == "文件名"
    assert "无法确定是哪个机关" in (files["\\xff\\xfe-2023.txt"].reason or "")
    result = release_run(Path(paths.data_dir), Path(paths.registry))
    reports = {r["body_id"]: r for r in result.table("reports")}
    assert reports["cz"]["status"] == "parsed" and reports["cz"]["source"] == "收件箱：来件.html"
    assert reports["jy"]["source"] == f"收件箱：{by_name}"
    assert "来件.html" in result.metadata("inbox_files")["文件 files list"]


def test_unreadable_inbox_files_are_reported_and_the_others_used(setup):
    paths, _ = setup
    inbox_dir = paths.data.inbox
    drop(paths, "永安市教育局2023年年报.html", report_html("永安市教育局", 2023))
    os.mkfifo(inbox_dir / "fifo.pdf")
    secret = inbox_dir.parent / "secret.html"  # a report, outside the inbox
    secret.write_bytes(report_html("永安市财政局", 2023) + b"<!-- secret -->")
    (inbox_dir / "link.html").symlink_to(secret)
    (inbox_dir / "zero.pdf").symlink_to("/dev/zero")
    (inbox_dir / "mem.pdf").symlink_to("/proc/self/mem")
    (inbox_dir / "loop.pdf").symlink_to("loop.pdf")
    with (inbox_dir / "huge.pdf").open("wb") as f:  # sparse: no disk used
        f.truncate(MAX_DOCUMENT_BYTES + 1)
    with fifo_released_after(inbox_dir / "fifo.pdf") as blocked:
        sensed = evaluate_sensor(paths)
    assert not blocked, "reading the FIFO blocked"
    assert len(sensed.run_requests) == 1
    files = {f.file: f for f in run.inbox_files(paths.settings())}
    out = "是指向收件箱之外的链接"
    reasons = {
        "fifo.pdf": "不是普通文件（是命名管道",
        "link.html": out,
        "zero.pdf": out,
        "mem.pdf": out,
        "loop.pdf": "无法读取：符号链接循环",
        "huge.pdf": "文件过大（超过上限50MB）",
    }
    for name, reason in reasons.items():
        assert (files[name].reason or "").startswith(reason), files[name]
        assert files[name].sha256 is None  # nothing read, nothing archived
    assert files["永安市教育局2023年年报.html"].matched
    archived = [archive.load(paths.data.archive, f.sha256) for f in files.values() if f.sha256]
    assert not any(b"secret" in a for a in archived)
