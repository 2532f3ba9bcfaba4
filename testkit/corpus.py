"""The generated test corpus: reports of both templates, rendered into every supported format
with the damage real documents show, each with the reading it must give.

Deterministic (fixed seeds), SYNTHETIC numbers. `cases()` lists the documents; `expected()` is
what the reader must return for one: every printed cell as printed (blank → null, wrong sums
kept), cells the document does not print as null, and the findings the damage must raise.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipelines.read import template as t
from pipelines.read.report import Report
from testkit.render.docx import write_doc, write_docx
from testkit.render.html import write_html
from testkit.render.layout import Damage, Layout, Table, layout
from testkit.render.pdf import write_pdf
from testkit.render.scan import REALISTIC, data_uri, page_pictures, scanned, table_pictures
from testkit.render.text import write_pasted, write_text

AGENCIES = ("南山县人民政府", "北湖区市场监督管理局", "东川市〇〇街道办事处", "西岭县教育局")


def synthetic_report(template: str, seed: int, *, shape: str | None = None) -> Report:
    """A report whose arithmetic holds, with multi-digit numbers next to each other."""
    rng = random.Random(seed)
    proactive: dict[str, dict[str, int | float | None]] = {}
    for item in t.items_for(template):
        cells: dict[str, int | float | None] = {}
        for m in item.measures:
            if m == "amount_10k_yuan":
                cells[m] = round(rng.uniform(0, 9000), 2)
            elif m == "procurement_amount_yuan":
                cells[m] = rng.randint(1, 99999) * 100  # whole hundreds: exact in 万元
            elif m == "change":
                cells[m] = rng.randint(-20, 20)
            else:
                cells[m] = rng.choice([0, rng.randint(1, 99), rng.randint(100, 99999)])
        proactive[item.key] = cells
    rows = t.application_rows(shape or t.DEFAULT_SHAPE[template])
    apps: dict[str, dict[str, int | None]] = {r.key: {} for r in rows}
    outcomes = [r.key for r in rows if r.is_outcome]
    for a in t.APPLICANT_PARTS:
        scale = 3000 if a == "natural_person" else 40
        handled = [rng.choice([0, rng.randint(0, scale)]) for _ in outcomes]
        forward = rng.randint(0, scale // 4)
        carried = rng.randint(0, sum(handled) + forward)
        for key, n in zip(outcomes, handled, strict=True):
            apps[key][a] = n
        apps["total_handled"][a] = sum(handled)
        apps["carried_forward"][a] = forward
        apps["carried_over"][a] = carried
        apps["new_received"][a] = sum(handled) + forward - carried
    for cells in apps.values():
        cells["total"] = sum(int(cells[a] or 0) for a in t.APPLICANT_PARTS)
    reviews: dict[str, dict[str, int | None]] = {}
    for p in t.PROCEEDINGS:
        parts = {o: rng.choice([0, rng.randint(0, 300)]) for o in t.OUTCOMES if o != "total"}
        reviews[p] = {**parts, "total": sum(parts.values())}
    agency = AGENCIES[seed % len(AGENCIES)]
    year = 2019 + seed % 2 if template == "2019" else 2021 + seed % 4
    return Report(agency, year, template, proactive, apps, reviews)


@dataclass(frozen=True)
class Case:
    """One document of the corpus: a report, how it is damaged, the format it is written in."""

    name: str
    template: str
    seed: int
    damage: Damage = field(default_factory=Damage)
    shape: str | None = None  # the other template's 其他处理 shape
    wrong: tuple[str, ...] = ()  # sums broken on purpose: T3_ROW_TOTAL, T3_BALANCE, T4_TOTAL
    formats: tuple[str, ...] = ()  # empty: every format

    def report(self) -> Report:
        report = synthetic_report(self.template, self.seed, shape=self.shape)
        for path in self.damage.blanks:
            section, row, col = path.split(".")
            getattr(report, section)[row][col] = None
        _break_sums(report, self.wrong)
        return report

    def layout(self) -> Layout:
        published = f"{self.report().year + 1}-01-{10 + self.seed % 20}"
        return layout(self.report(), self.damage, published_on=published)


def _break_sums(report: Report, wrong: tuple[str, ...]) -> None:
    """The slips real reports make; the reader must keep them as printed."""
    a = report.applications
    if "T3_ROW_TOTAL" in wrong:
        a["granted"]["total"] = int(a["granted"]["total"] or 0) + 1
    if "T3_BALANCE" in wrong:  # a column whose carried-forward count was typed wrong
        a["carried_forward"]["research_institution"] = (
            int(a["carried_forward"]["research_institution"] or 0) + 2
        )
        a["carried_forward"]["total"] = int(a["carried_forward"]["total"] or 0) + 2
    if "T4_TOTAL" in wrong:
        r = report.reviews_litigation["litigation_after_review"]
        r["total"] = int(r["total"] or 0) + 7


def _blanks(keys: list[tuple[str, str, str]], markers: str = "–/无") -> dict[str, str]:
    return {
        f"{s}.{r}.{c}": (markers[i % len(markers)] if markers else "")
        for i, (s, r, c) in enumerate(keys)
    }


INTERIOR = ("commercial_enterprise", "research_institution", "legal_service_agency")

CASES: tuple[Case, ...] = (
    Case("clean-2021", "2021", 1),
    Case("clean-2019", "2019", 2),
    Case("procurement-in-10k-yuan-2019", "2019", 4, Damage(unit_10k=True)),
    Case(
        "blanks-2021",
        "2021",
        3,
        Damage(
            blanks={
                **_blanks([("applications", "granted", c) for c in INTERIOR]),
                **_blanks(
                    [("applications", "denied_state_secret", "social_welfare_organization")], ""
                ),
                **_blanks([("reviews_litigation", "litigation_without_review", "other")], "/"),
                **_blanks([("proactive", "administrative_coercion", "decisions")], "—"),
            }
        ),
    ),
    Case(
        "blanks-2019",
        "2019",
        5,
        Damage(
            blanks={
                **_blanks([("applications", "other_processing", c) for c in INTERIOR], "无–"),
                **_blanks([("proactive", "administrative_fees", "change")], "/"),
            }
        ),
    ),
    Case(
        "rows-missing-2021",
        "2021",
        6,
        Damage(omit=frozenset({"denied_administrative_query", "administrative_coercion"})),
    ),
    Case(
        "rows-missing-2019",
        "2019",
        7,
        Damage(omit=frozenset({"not_processed_confirmation", "other_external_services"})),
    ),
    Case(
        "rows-merged-2021",
        "2021",
        8,
        Damage(merge=("denied_internal_affairs", "denied_process_information")),
    ),
    Case("other-shape-2021-single", "2021", 9, shape="single"),
    Case("other-shape-2019-split", "2019", 10, shape="split"),
    Case("abbreviated-2021", "2021", 11, Damage(labels="abbreviated")),
    Case("abbreviated-2019", "2019", 12, Damage(labels="abbreviated")),
    Case("misspelled-2021", "2021", 13, Damage(labels="misspelled")),
    Case("misspelled-2019", "2019", 14, Damage(labels="misspelled")),
    Case("split-labels-2021", "2021", 15, Damage(labels="split")),
    Case("split-labels-2019", "2019", 16, Damage(labels="split")),
    Case("one-char-per-line-2021", "2021", 17, Damage(labels="vertical")),
    Case("one-char-per-line-2019", "2019", 18, Damage(labels="vertical")),
    Case("thousands-2021", "2021", 19, Damage(digits="thousands")),
    Case("fullwidth-2019", "2019", 20, Damage(digits="fullwidth")),
    Case("units-2021", "2021", 23, Damage(digits="units")),
    Case("money-units-in-cells-2019", "2019", 26, Damage(money_unit="in-cell")),
    Case("money-units-in-cells-2021", "2021", 27, Damage(money_unit="in-cell")),
    Case("money-unit-unstated-2019", "2019", 28, Damage(money_unit="unstated")),
    Case("narrative-agrees-2021", "2021", 29, Damage(narrative="agrees")),
    Case("narrative-differs-2019", "2019", 30, Damage(narrative="differs")),
    Case("sums-wrong-2021", "2021", 21, wrong=("T3_ROW_TOTAL", "T3_BALANCE", "T4_TOTAL")),
    Case("sums-wrong-2019", "2019", 22, wrong=("T3_ROW_TOTAL", "T4_TOTAL")),
)


def _html(**options: Any) -> Callable[[Layout], bytes]:
    return lambda doc: write_html(doc, **options)


WRITERS: dict[str, Callable[[Layout], bytes]] = {
    "txt": write_text,
    "html": _html(),
    "gbk.html": _html(encoding="gb18030", charset=None),
    "gb2312.html": _html(encoding="gb18030", charset="gb2312", wrap=True),
    # page numbers under every page; section 三 runs on over a page break, and the row at the
    # break has no line under it, as Word prints a table whose rows may break across pages
    "pdf": lambda doc: write_pdf(doc, footer="- {n} -", split_rows=True),
    "docx": write_docx,
    "doc": write_doc,
}


# PDFs whose tables have no ruling lines (WPS/Word with borders hidden): every case above in
# both, plus the cases below, which only a borderless table makes hard. Cells left-aligned at
# the top (Word's default) or centred across and down (as WPS tables often are).
BORDERLESS_WRITERS: dict[str, Callable[[Layout], bytes]] = {
    "borderless.pdf": lambda doc: write_pdf(doc, ruled=False, footer="— {n} —"),
    "borderless-centred.pdf": lambda doc: write_pdf(
        doc, ruled=False, centred=True, footer="第 {n} 页", split_rows=True
    ),
}
BORDERLESS_CASES: tuple[Case, ...] = (
    # A column left empty in every row: only the header above it says it is there.
    Case(
        "blank-columns-2021",
        "2021",
        24,
        Damage(
            blanks=_blanks(
                [("proactive", k, "repealed") for k in ("regulations", "normative_documents")]
                + [
                    ("applications", r.key, "social_welfare_organization")
                    for r in t.application_rows("split")
                ]
                + [("reviews_litigation", p, "other") for p in t.PROCEEDINGS],
                "",
            )
        ),
    ),
    Case(
        "blank-columns-2019",
        "2019",
        25,
        Damage(
            blanks=_blanks(
                [
                    ("proactive", k, "change")
                    for k in ("administrative_licensing", "other_external_services")
                ]
                + [
                    ("applications", r.key, "legal_service_agency")
                    for r in t.application_rows("single")
                ]
                + [("reviews_litigation", "litigation_without_review", o) for o in t.OUTCOMES],
                "",
            )
        ),
    ),
)


# Tables pasted from a web page into a text box: cells split by spaces (an empty cell is lost,
# so only cases that print every cell), or each table on one line. "glued.txt" runs each row's
# numbers together and on to its label: read where the row's totals allow one cut, else left
# unread with a finding (tests/read/test_pasted.py).
PASTED_WRITERS: dict[str, Callable[[Layout], bytes]] = {
    "pasted.txt": lambda doc: write_pasted(doc, "spaces"),
    "one-line.txt": lambda doc: write_pasted(doc, "one-line"),
    "glued.txt": lambda doc: write_pasted(doc, "glued"),
}
PASTED_CASES = tuple(c for c in CASES if "" not in c.damage.blanks.values())


def _tables_in_pictures(doc: Layout) -> list[list[bytes]]:
    return [table_pictures(b, 200, **REALISTIC) for b in doc.blocks if isinstance(b, Table)]


def _pages_in_pictures(doc: Layout) -> bytes:
    """The whole report as page pictures (150 dpi) in a page that has only its title."""
    pages = page_pictures(write_pdf(doc), 150, **REALISTIC)
    only_title = Layout(doc.title, [Table([])], [], doc.published_on)
    return write_html(only_title, pictures=[[data_uri(p) for p in pages]])


# Reports read by OCR (PP-OCR): a realistic scan (200 dpi grey JPEG, skewed, noisy), and
# 「图片版」: a page whose text is HTML and whose tables are scanned pictures inside it (as the
# collector makes it, pipelines/collect/pictures.py), a whole report as page pictures, a Word
# file whose tables are pictures. OCR takes seconds a page: a few documents, not every case.
IMAGE_WRITERS: dict[str, Callable[[Layout], bytes]] = {
    "realistic-scan.pdf": lambda doc: scanned(write_pdf(doc), 200, **REALISTIC),
    "images.html": lambda doc: write_html(
        doc, pictures=[[data_uri(p) for p in t] for t in _tables_in_pictures(doc)]
    ),
    "page-images.html": _pages_in_pictures,
    "images.docx": lambda doc: write_docx(doc, pictures=_tables_in_pictures(doc)),
}
IMAGE_DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("narrative-differs-2019", "images.html"),
    ("clean-2019", "page-images.html"),
    ("blanks-2021", "images.docx"),
    ("narrative-differs-2019", "realistic-scan.pdf"),
)


def render(case: Case, fmt: str) -> bytes:
    writers = {**WRITERS, **BORDERLESS_WRITERS, **PASTED_WRITERS, **IMAGE_WRITERS}
    return writers[fmt](case.layout())


@dataclass
class Expected:
    contract: dict[str, Any]  # the contract JSON without findings
    findings: dict[str, set[str]] = field(default_factory=dict)  # rule -> cells it must name
    published_on: str | None = None


def expected(case: Case) -> Expected:
    report = case.report()
    damage = case.damage
    unread: set[str] = set()  # rows the document does not print (or prints inseparably)
    for key in damage.omit:
        section = "proactive" if key in report.proactive else "applications"
        unread |= {f"{section}.{key}.{c}" for c in getattr(report, section)[key]}
    if damage.merge:
        unread |= {f"applications.{k}.{a}" for k in damage.merge for a in t.APPLICANTS}
    contract = report.to_contract()
    del contract["findings"]
    for path in unread:
        section, row, col = path.split(".")
        contract[section][row][col] = None
    findings: dict[str, set[str]] = {rule: set() for rule in case.wrong}
    if unread:
        findings["COMPLETE"] = unread
    if damage.blanks:
        findings["BLANK_CELL"] = set(damage.blanks)
    if damage.narrative == "differs":
        findings["NARRATIVE_MISMATCH"] = {"applications.new_received.total"}
    procurement = "proactive.government_procurement.procurement_amount_yuan"
    if report.template == "2019" and damage.money_unit:  # the 2021 fees' units agree
        rule = "UNIT_CONVERTED" if damage.money_unit == "in-cell" else "UNIT_UNKNOWN"
        findings[rule] = {procurement}
    return Expected(contract, findings, case.layout().published_on)
