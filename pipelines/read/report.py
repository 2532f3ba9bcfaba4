"""The parsed report: one template model whatever format the document came in."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pipelines.read.grid import FEW_NUMBERS, Row, in_place

Number = int | float

# Severities in order of gravity; `error` means the template's own arithmetic or the document
# is wrong, `info` only records how something was read.
SEVERITIES = ("error", "warning", "info")


@dataclass
class Finding:
    rule: str
    severity: str
    message: str  # Chinese first: read by the data office
    cells: list[str] = field(default_factory=list)  # dotted paths into the contract JSON


@dataclass
class Report:
    agency: str | None
    year: int | None
    template: str
    proactive: dict[str, dict[str, Number | None]]
    applications: dict[str, dict[str, int | None]]
    reviews_litigation: dict[str, dict[str, int | None]]
    findings: list[Finding] = field(default_factory=list)
    # Where each cell was read (dotted path -> location) and the text as printed.
    locations: dict[str, str] = field(default_factory=dict)
    printed: dict[str, str] = field(default_factory=dict)
    published_on: str | None = None
    # Sections 一 (`overview`) and 五 (`problems`) as text, compared with the body's previous
    # report (warehouse model `text_similarity`); not part of the contract JSON.
    narrative: dict[str, str] = field(default_factory=dict)

    def to_contract(self) -> dict[str, Any]:
        """The `xxgk parse --json` shape of the spec."""
        return {
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "proactive": self.proactive,
            "applications": self.applications,
            "reviews_litigation": self.reviews_litigation,
            "findings": [asdict(f) for f in self.findings],
        }


class NotAReport(Exception):
    """The document cannot be read as an annual report; `reason` is for the data office.
    `images`: the pages as pictures, where OCR may read what the reader could not; with the
    rows of text the document has between them, where it has any (a page whose text is text
    and whose tables are pictures), each picture where it stands."""

    def __init__(self, rule: str, reason: str, images: list[bytes | Row] | None = None) -> None:
        super().__init__(reason)
        self.rule = rule
        self.reason = reason
        self.images = images


def check_tables_not_pictures(
    rows: list[Row], pictures: list[tuple[int, bytes]], numbers: int, reason: str
) -> None:
    """A document whose tables are pictures (「图片版」: it has page-sized pictures, and its own
    tables hold fewer than FEW_NUMBERS numbers) is refused as SCANNED_DOCUMENT with `reason`,
    its pictures where they stand among its rows, for OCR to read."""
    if pictures and numbers < FEW_NUMBERS:
        raise NotAReport("SCANNED_DOCUMENT", reason, in_place(rows, pictures))
