"""Bytes of one document → a checked `Report`, or `NotAReport` with a reason for a clerk."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from pipelines.files import FORMAT_LABELS, sniff
from pipelines.read import limits, ocr
from pipelines.read.extract import extract
from pipelines.read.grid import Row
from pipelines.read.readers import doc, docx, html, pdf, text
from pipelines.read.report import Finding, NotAReport, Report
from pipelines.read.rules import check_report

# Bumped whenever a change can alter what is read from a document: cached parses keyed by
# (sha256, PARSER_VERSION) are then redone.
# 0.2: PDF and Word readers; 0.3: .doc/.wps, OCR of scans, merged and misspelled rows,
# wrapped labels, the date under the signature; 0.4: PDF tables without ruling lines; 0.5: PDFs
# read from pdfium's text layer and paths (no pdfminer); 0.6: units inside cells, rows at page
# breaks with no line under them, section 一's figures against the tables; 0.8: the text of
# sections 一 and 五 kept (Report.narrative).
PARSER_VERSION = "0.9.0"


OCR_NEEDED = "，需要OCR识别"  # how a reader's refusal ends where OCR may read the pages


def _picture(data: bytes) -> list[Row]:
    """A report published as a picture: read by OCR, as a scan is."""
    ocr.check_picture(data)
    raise NotAReport("SCANNED_DOCUMENT", "报告是图片（没有文字）" + OCR_NEEDED, [data])


READERS = {
    "text": text.read,
    "html": html.read,
    "pdf": pdf.read,
    "docx": docx.read,
    "doc": doc.read,
    "image": _picture,
}


def parse_bounded(data: bytes) -> tuple[str, Report]:
    """`parse_bytes` within the limits on one document (size, wall clock, memory: see
    `pipelines.read.limits`); over a limit, NotAReport names it."""
    bounds = limits.current()
    return limits.bounded(partial(_parse_loaded, lambda: data, bounds), bounds)


def parse_each(loads: Sequence[Callable[[], bytes]]) -> list[tuple[str, Report] | limits.Failed]:
    """Many documents, each loaded and read within the limits on one document; one child
    process reads them one after another (`limits.bounded_each`)."""
    bounds = limits.current()
    return limits.bounded_each([partial(_parse_loaded, load, bounds) for load in loads], bounds)


def _parse_loaded(load: Callable[[], bytes], bounds: limits.Limits) -> tuple[str, Report]:
    data = load()
    limits.check_size(data, bounds)
    return parse_bytes(data)


def parse_bytes(data: bytes) -> tuple[str, Report]:
    """Return the sniffed format and the report; raise NotAReport for unreadable input."""
    fmt = sniff(data)
    if fmt == "empty":
        raise NotAReport("EMPTY_FILE", "文件是空的（0字节或只有空白）")
    reader = READERS.get(fmt)
    if reader is None:
        if fmt in ("binary", "xlsx"):
            raise NotAReport(
                "NOT_A_DOCUMENT",
                f"文件是{FORMAT_LABELS[fmt]}，不是年度报告的网页、PDF、Word或文本文件",
            )
        raise NotAReport("UNSUPPORTED_FORMAT", f"暂不支持读取{FORMAT_LABELS[fmt]}格式的报告")
    scanned: NotAReport | None = None  # the reader's refusal, where OCR read the pages
    try:
        rows = reader(data)
    except NotAReport as refused:
        if refused.rule != "SCANNED_DOCUMENT":
            raise
        rows, scanned = _ocr(data, refused), refused
    try:
        report = extract(rows, exact_cells=fmt != "text")
    except NotAReport as e:
        if scanned:
            what = scanned.reason.removesuffix(OCR_NEEDED)
            raise NotAReport(
                "SCANNED_DOCUMENT", f"{what}，OCR也未能识别出年度报告的统计表，未读取"
            ) from e
        raise
    report.findings.extend(check_report(report))
    if scanned:
        report.findings.extend(ocr.findings(report))
    elif fmt == "pdf" and (pdf.unread_tables(rows) or not any(len(row) > 1 for row in rows)):
        # A table without ruling lines whose columns cannot be told apart reliably (or no
        # table found at all): its numbers are not guessed.
        report.findings.append(
            Finding(
                "TABLE_LAYOUT",
                "warning",
                "PDF中的统计表没有框线，无法可靠地按列读取，表中数字未采用，请对照原件录入",
                [],
            )
        )
    return fmt, report


def _ocr(data: bytes, refused: NotAReport) -> list[Row]:
    """The pages a reader could not read as text (a scan, pictures, a PDF whose fonts have
    no Unicode map), read by OCR."""
    if not ocr.available():
        raise NotAReport(
            "SCANNED_DOCUMENT",
            f"{refused.reason}；本机没有OCR引擎（make setup 安装 rapidocr，或 make system 安装"
            "tesseract中文识别），未读取",
        )
    return ocr.read_images(refused.images) if refused.images else ocr.read(data)
