"""The generated corpus: reports of both templates in every format, with the damage real
documents show, read back cell by cell (pipelines/corpus.py says what each must give)."""

from __future__ import annotations

import re

import pytest

from pipelines.read import ocr
from pipelines.read.document import parse_bytes
from pipelines.read.evaluate import Result, compare
from pipelines.read.readers.doc import soffice
from testkit import corpus
from testkit.render.layout import in_10k

from support.reading import check_reads_as_rendered

SNIFFED = {"txt": "text", "pdf": "pdf", "docx": "docx", "doc": "doc"}
LOCATION = {
    "text": r"^第\d+行$",
    "html": r"^表\d+ 第\d+行 第\d+列$",
    "docx": r"^表\d+ 第\d+行 第\d+列$",
    "doc": r"^表\d+ 第\d+行 第\d+列$",
    "pdf": r"^第\d+页 表\d+ 第\d+行 第\d+列$",
}
# .doc goes through LibreOffice twice (written, then read): a few cases are enough.
DOC_CASES = ("clean-2021", "clean-2019", "blanks-2021", "split-labels-2019")
PARAMS = [
    pytest.param(case, fmt, id=f"{case.name}.{fmt}")
    for case in corpus.CASES
    for fmt in corpus.WRITERS
    if fmt != "doc" or case.name in DOC_CASES
]


@pytest.mark.parametrize(("case", "fmt"), PARAMS)
def test_every_cell_reads_as_printed(case: corpus.Case, fmt: str) -> None:
    if fmt == "doc" and soffice() is None:
        pytest.skip("LibreOffice is not installed (make system)")
    sniffed = SNIFFED.get(fmt, "html")
    check_reads_as_rendered(case, fmt, sniffed=sniffed, location=LOCATION[sniffed])


def test_clean_reports_have_no_findings() -> None:
    for name in ("clean-2021", "clean-2019"):
        case = next(c for c in corpus.CASES if c.name == name)
        _, report = parse_bytes(corpus.render(case, "pdf"))
        assert report.findings == []


def test_procurement_in_10k_yuan_is_stored_in_yuan_with_the_printed_text() -> None:
    case = next(c for c in corpus.CASES if c.name == "procurement-in-10k-yuan-2019")
    path = "proactive.government_procurement.procurement_amount_yuan"
    yuan = case.report().proactive["government_procurement"]["procurement_amount_yuan"]
    for fmt in ("txt", "html", "pdf", "docx"):
        _, report = parse_bytes(corpus.render(case, fmt))
        assert report.proactive["government_procurement"]["procurement_amount_yuan"] == yuan
        assert report.printed[path] == str(in_10k(yuan))


def test_the_corpus_is_deterministic() -> None:
    case = corpus.CASES[3]
    for fmt in ("txt", "html", "gbk.html", "pdf"):  # a .docx zip holds its write time
        assert corpus.render(case, fmt) == corpus.render(case, fmt), fmt


def test_both_templates_and_every_damage_are_in_the_corpus() -> None:
    cases = corpus.CASES
    assert {c.template for c in cases} == {"2019", "2021"}
    assert {c.damage.labels for c in cases} == {
        "template",
        "abbreviated",
        "misspelled",
        "split",
        "vertical",
    }
    assert any(c.damage.omit for c in cases) and any(c.damage.merge for c in cases)
    assert any(c.damage.blanks for c in cases) and any(c.wrong for c in cases)
    assert {c.shape for c in cases} >= {"single", "split"}


@pytest.mark.skipif(not ocr.available(), reason="no OCR engine (make setup)")
@pytest.mark.parametrize(
    ("name", "fmt"), [pytest.param(*d, id=".".join(d)) for d in corpus.IMAGE_DOCUMENTS]
)
def test_reports_read_by_ocr_get_their_cells_right_and_none_silent(name: str, fmt: str) -> None:
    """Scans and 「图片版」 (tables or pages as pictures in a page, tables as pictures in a
    Word file): ≥ 98 % of cells right, every table cell located as OCR, every wrong cell named
    by a finding, and section 一's figures checked against the tables OCR read."""
    case = next(c for c in corpus.CASES if c.name == name)
    want = corpus.expected(case)
    fmt_read, report = parse_bytes(corpus.render(case, fmt))
    assert fmt_read == SNIFFED.get(fmt.rsplit(".", 1)[1], "html")
    unit = "页" if fmt.endswith(".pdf") else "张图片"  # where a clerk finds the cell
    located = re.compile(rf"^OCR 第\d+{unit} 表\d+ 第\d+行 第\d+列")
    assert report.locations and all(located.match(v) for v in report.locations.values())
    cells, wrong = compare(want.contract, report)
    result = Result(name, fmt, cells, wrong, report=report)
    assert result.right >= 0.98 * cells, [w.path for w in wrong]
    assert result.silent_cells == []
    if case.damage.narrative == "differs":
        named = {c for f in report.findings if f.rule == "NARRATIVE_MISMATCH" for c in f.cells}
        assert want.findings["NARRATIVE_MISMATCH"] <= named
