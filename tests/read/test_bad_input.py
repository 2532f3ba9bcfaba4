"""Bad input gets a clear one-line answer, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.read import template as t
from pipelines.read.document import parse_bytes
from pipelines.read.report import NotAReport

from support import SEED


def run_parse(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xxgk.cli", "parse", str(path), "--json"],
        capture_output=True,
        text=True,
    )


NOT_A_REPORT = (
    "<html><body><h1>关于调整办公时间的通知</h1><p>自即日起在临时地点办公。</p></body></html>"
)


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [
        ("empty.txt", b"", "EMPTY_FILE"),
        ("blank.txt", b"  \n\n ", "EMPTY_FILE"),
        ("binary.bin", bytes(range(256)) * 4, "NOT_A_DOCUMENT"),
        # a picture may be a report published as an image (read by OCR): this one is broken
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "UNREADABLE_DOCUMENT"),
        ("notice.html", NOT_A_REPORT.encode(), "NOT_A_REPORT"),
        ("story.txt", "从前有座山，山里有座庙。".encode(), "NOT_A_REPORT"),
    ],
)
def test_unreadable_document_exits_non_zero_with_one_line(tmp_path, name, data, rule):
    path = tmp_path / name
    path.write_bytes(data)
    result = run_parse(path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert rule in lines[0] and "Traceback" not in result.stderr
    with pytest.raises(NotAReport) as caught:
        parse_bytes(data)
    assert caught.value.rule == rule
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.reason), "reason is for a clerk"


def test_missing_file_is_one_line(tmp_path):
    result = run_parse(tmp_path / "nope.pdf")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_report_without_section_three_is_partial_with_a_finding():
    text = SEED.read_text(encoding="utf-8")
    head, _, rest = text.partition(t.SECTIONS["applications"])
    broken = head + rest[rest.index("四、政府信息公开行政复议") :]
    _, report = parse_bytes(broken.encode())
    rules = [f.rule for f in report.findings]
    assert "SECTION_MISSING" in rules
    assert all(v is None for cells in report.applications.values() for v in cells.values())
    assert report.proactive["administrative_licensing"]["decisions"] == 8  # the rest is kept


LICENSING = "行政许可\t8"


@pytest.mark.parametrize(
    ("printed", "rule"),
    [
        ("9" * 20, "VALUE_OUT_OF_RANGE"),  # ≥ 2**63: would not fit the published int64 column
        ("1" + "0" * 400 + ".5", "VALUE_OUT_OF_RANGE"),  # would be rounded to 10**400
        ("1" + "0" * 5000, "VALUE_OUT_OF_RANGE"),  # past Python's 4,300-digit int-to-text limit
        ("1e30", "NON_NEGATIVE"),  # not a number: its row must not be lost as a label
    ],
)
def test_a_number_no_column_can_hold_is_a_finding_on_its_cell(tmp_path, printed, rule):
    text = SEED.read_text(encoding="utf-8")
    assert LICENSING in text
    path = tmp_path / "report.txt"
    path.write_text(text.replace(LICENSING, f"行政许可\t{printed}", 1), encoding="utf-8")
    result = run_parse(path)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    parsed = json.loads(result.stdout)
    cell = "proactive.administrative_licensing.decisions"
    assert parsed["proactive"]["administrative_licensing"]["decisions"] is None  # withheld
    named = [f for f in parsed["findings"] if cell in f["cells"]]
    assert [f["rule"] for f in named] == [rule]
    assert named[0]["severity"] == "error" and printed[:20] in named[0]["message"]
    assert len(named[0]["message"]) < 200  # a clerk reads the message: the digits are cut
    _, report = parse_bytes(path.read_bytes())
    # the printed text is kept (a run of thousands of digits cut, its length said)
    kept = printed if len(printed) <= 200 else f"{printed[:200]}…（共{len(printed)}个字符）"
    assert report.printed[cell] == kept
    assert report.proactive["administrative_penalty"]["decisions"] == 0  # the rest is read


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_report_saved_as_utf16_is_read_as_the_same_text(encoding):
    """Notepad's "Unicode" (with a BOM or without): was 「无法识别的二进制文件」."""
    text = SEED.read_text(encoding="utf-8")
    _, expected = parse_bytes(text.encode())
    fmt, got = parse_bytes(text.encode(encoding))
    assert fmt == "text"
    assert got.to_contract() == expected.to_contract()


def test_a_pdf_with_only_an_owner_password_is_read():
    """Encrypted against printing and copying, but opening needs no password: read it."""
    from testkit import corpus
    from testkit.render.pdf import write_pdf

    layout = corpus.CASES[0].layout()
    locked = write_pdf(layout, owner_password="owner-only")
    assert b"/Encrypt" in locked
    _, expected = parse_bytes(write_pdf(layout))
    fmt, got = parse_bytes(locked)
    assert fmt == "pdf" and got.to_contract() == expected.to_contract()
