"""Old Word files through LibreOffice, and scanned PDFs through OCR: real converters, real
documents generated here."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from PIL import Image

from pipelines.read import ocr
from pipelines.read.document import parse_bytes
from pipelines.read.evaluate import compare
from pipelines.read.readers import doc
from pipelines.read.report import NotAReport
from testkit import corpus
from testkit.render.scan import scanned

needs_soffice = pytest.mark.skipif(doc.soffice() is None, reason="LibreOffice not installed")
needs_ocr = pytest.mark.skipif(not ocr.available(), reason="no OCR engine (make setup)")
CLEAN = next(c for c in corpus.CASES if c.name == "clean-2021")


@needs_soffice
def test_doc_made_by_libreoffice_is_read_through_docx() -> None:
    data = corpus.render(CLEAN, "doc")
    assert data.startswith(b"\xd0\xcf\x11\xe0")  # an OLE compound file, as Word 97 writes
    fmt, report = parse_bytes(data)
    assert fmt == "doc"
    assert report.applications == CLEAN.report().applications
    assert report.locations["applications.granted.total"].startswith("表")


@needs_soffice
def test_damaged_doc_is_refused_with_a_reason() -> None:
    data = corpus.render(CLEAN, "doc")
    with pytest.raises(NotAReport) as refused:
        parse_bytes(data[:2048])
    assert refused.value.rule in ("UNREADABLE_DOCUMENT", "NOT_A_REPORT")
    assert re.search("[\u4e00-\u9fff]", refused.value.reason)


def test_doc_without_libreoffice_is_an_unsupported_format(monkeypatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(NotAReport) as refused:
        parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert refused.value.rule == "UNSUPPORTED_FORMAT"
    assert "LibreOffice" in refused.value.reason


@needs_ocr
@pytest.mark.parametrize("name", ["clean-2021", "sums-wrong-2019"])
def test_scanned_report_is_read_by_ocr_and_every_cell_marked(name: str) -> None:
    case = next(c for c in corpus.CASES if c.name == name)
    truth = corpus.expected(case).contract
    fmt, report = parse_bytes(scanned(corpus.render(case, "pdf")))
    assert fmt == "pdf"
    cells = {p for p, loc in report.locations.items()}
    assert cells and all(report.locations[p].startswith("OCR 第") for p in cells)
    marked = next(f for f in report.findings if f.rule == "OCR_DERIVED")
    assert marked.severity == "warning" and set(marked.cells) == cells
    assert report.year == truth["year"] and report.template == truth["template"]
    cells_total, wrong = compare(truth, report)
    wrong_cells = [w for w in wrong if w.path not in ("agency", "year", "template")]
    assert len(wrong_cells) <= 0.2 * cells_total
    # What OCR got wrong, or the report's own wrong sums, never look clean.
    failed = [f for f in report.findings if f.rule == "OCR_CHECK_FAILED"]
    if wrong_cells or case.wrong:
        assert failed and failed[0].severity == "error"


@needs_ocr
def test_scan_with_nothing_readable_is_quarantined_not_zeros() -> None:
    page = Image.new("L", (1240, 1754), 255)
    out = io.BytesIO()
    page.save(out, "PDF", resolution=150)
    with pytest.raises(NotAReport) as refused:
        parse_bytes(out.getvalue())
    assert refused.value.rule == "SCANNED_DOCUMENT"


def test_scan_without_tesseract_is_quarantined(monkeypatch) -> None:
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(NotAReport) as refused:
        parse_bytes(scanned(corpus.render(CLEAN, "pdf"), dpi=50))
    assert refused.value.rule == "SCANNED_DOCUMENT"
    assert "OCR" in refused.value.reason


# ---------------------------------------------------------------- reports published as pictures


def _read_by_ocr(data: bytes, fmt: str, case: corpus.Case = CLEAN) -> float:
    """Share of cells right; every cell located as OCR, and no wrong cell left unnamed."""
    from pipelines.read.evaluate import Result

    got_fmt, report = parse_bytes(data)
    assert got_fmt == fmt
    assert report.locations and all(v.startswith("OCR 第") for v in report.locations.values())
    cells, wrong = compare(corpus.expected(case).contract, report)
    assert Result(case.name, fmt, cells, wrong, report=report).silent_cells == []
    return 1 - len([w for w in wrong if w.path.count(".") == 2]) / cells


@needs_ocr
def test_a_report_published_as_one_picture_is_read_by_ocr() -> None:
    from testkit.render.scan import one_picture

    assert _read_by_ocr(one_picture(corpus.render(CLEAN, "pdf"), 150), "image") >= 0.7


@needs_ocr
def test_a_word_file_whose_tables_are_pictures_is_read_by_ocr() -> None:
    from docx import Document
    from docx.shared import Cm

    from testkit.render.scan import pictures

    document = Document()
    document.add_paragraph(f"{CLEAN.report().agency}政府信息公开工作年度报告（图片版）")
    for page in pictures(corpus.render(CLEAN, "pdf"), 150, quality=80):
        buffer = io.BytesIO()
        page.save(buffer, "JPEG")
        document.add_picture(io.BytesIO(buffer.getvalue()), width=Cm(16))
    out = io.BytesIO()
    document.save(out)
    assert _read_by_ocr(out.getvalue(), "docx") >= 0.7


@needs_ocr
@pytest.mark.parametrize(("dpi", "least"), [(150, 0.98), (200, 0.98)])
def test_a_realistic_scan_is_turned_level_and_leaves_no_misread_unnamed(dpi, least) -> None:
    """Skewed, noisy, JPEG (PP-OCR; tesseract reads 58–93 % here, 23 % before turning level);
    each misread is named by the arithmetic, low confidence, or a check a person must make."""
    data = scanned(corpus.render(CLEAN, "pdf"), dpi, skew=0.8, noise=8, quality=60)
    assert _read_by_ocr(data, "pdf") >= least


@pytest.mark.parametrize("skew", [-1.5, 0.7, 2.5])
def test_deskew_finds_the_angle_a_page_was_scanned_at(skew: float) -> None:
    import numpy as np

    from testkit.render.scan import pictures

    page = pictures(corpus.render(CLEAN, "pdf"), 150)[0]
    assert ocr.skew_angle(np.asarray(page)) == 0.0
    turned = np.asarray(page.rotate(skew, resample=Image.BICUBIC, fillcolor=255))
    assert abs(ocr.skew_angle(turned) + skew) <= 0.15


def test_a_picture_without_tesseract_is_refused_with_the_reason(monkeypatch) -> None:
    from testkit.render.scan import one_picture

    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(NotAReport) as refused:
        parse_bytes(one_picture(corpus.render(CLEAN, "pdf"), 50))
    assert refused.value.rule == "SCANNED_DOCUMENT"
    assert refused.value.reason.startswith("报告是图片（没有文字），需要OCR识别；本机没有OCR引擎")


@pytest.fixture()
def tesseract(monkeypatch):  # type: ignore[no-untyped-def]
    """The other engine, where PP-OCR is not installed: Debian's tesseract."""
    monkeypatch.setenv("XXGK_OCR", "tesseract")
    ocr.engine.cache_clear()
    yield
    ocr.engine.cache_clear()


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_tesseract_reads_a_clean_scan_where_pp_ocr_is_missing(tesseract) -> None:
    assert ocr.engine() == "tesseract"
    assert _read_by_ocr(scanned(corpus.render(CLEAN, "pdf")), "pdf") >= 0.8


def test_pp_ocr_is_the_engine_when_its_package_is_installed() -> None:
    import importlib.util

    if importlib.util.find_spec("rapidocr_onnxruntime") is None:
        pytest.skip("rapidocr-onnxruntime is not installed")
    assert ocr.engine() == "ppocr"


@pytest.mark.parametrize(
    ("fmt", "reason"),
    [
        ("images.html", "网页中的统计表是图片（图片版），需要OCR识别；本机没有OCR引擎"),
        ("images.docx", "Word文件中的统计表是图片（没有文字表格），需要OCR识别；本机没有OCR引擎"),
    ],
)
def test_tables_as_pictures_without_ocr_are_refused_with_the_reason(monkeypatch, fmt, reason):
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(NotAReport) as refused:
        parse_bytes(corpus.render(CLEAN, fmt))
    assert refused.value.rule == "SCANNED_DOCUMENT"
    assert refused.value.reason.startswith(reason)


def test_a_page_with_tables_of_its_own_is_read_as_text_beside_its_pictures() -> None:
    """A page that prints its tables as text is read as text, the pictures beside them (a
    photo, a scan of the seal) left alone: only a page without tables of its own is OCR'd."""
    from testkit.render.scan import data_uri, page_pictures

    photo = data_uri(page_pictures(corpus.render(CLEAN, "pdf"), 72)[0])
    page = corpus.render(CLEAN, "html").replace(b"</h1>", f'</h1><img src="{photo}">'.encode())
    _, report = parse_bytes(page)
    assert report.applications == CLEAN.report().applications
    assert not any(v.startswith("OCR") for v in report.locations.values())
