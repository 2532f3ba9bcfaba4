"""Bytes of one document → a checked `Report`, or `NotAReport` with a reason for a clerk."""

from __future__ import annotations

from pipelines.extract import extract
from pipelines.readers import docx, html, pdf, text
from pipelines.report import NotAReport, Report
from pipelines.rules import check_report
from pipelines.sniff import FORMAT_LABELS, sniff

# Bumped whenever a change can alter what is read from a document: cached parses keyed by
# (sha256, PARSER_VERSION) are then redone.
PARSER_VERSION = "0.2.0"  # 0.2: PDF and Word readers

READERS = {"text": text.read, "html": html.read, "pdf": pdf.read, "docx": docx.read}


def parse_bytes(data: bytes) -> tuple[str, Report]:
    """Return the sniffed format and the report; raise NotAReport for unreadable input."""
    fmt = sniff(data)
    if fmt == "empty":
        raise NotAReport("EMPTY_FILE", "文件是空的（0字节或只有空白）")
    reader = READERS.get(fmt)
    if reader is None:
        if fmt in ("binary", "image", "xlsx"):
            raise NotAReport(
                "NOT_A_DOCUMENT",
                f"文件是{FORMAT_LABELS[fmt]}，不是年度报告的网页、PDF、Word或文本文件",
            )
        raise NotAReport("UNSUPPORTED_FORMAT", f"暂不支持读取{FORMAT_LABELS[fmt]}格式的报告")
    report = extract(reader(data), exact_cells=fmt != "text")
    report.findings.extend(check_report(report))
    return fmt, report
