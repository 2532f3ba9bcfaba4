"""PDF and Word readers: a complete 2021-template report is rendered in both formats with known
numbers, parsed back, and every cell compared; plus scans, damaged files and the real Huaian
report (from ../shared, when present)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from pipelines.read import template as t
from pipelines.read.document import parse_bytes
from pipelines.read.grid import Cell, clean
from pipelines.read.readers import docx as docx_reader
from pipelines.read.readers import pdf as pdf_reader
from pipelines.read.report import NotAReport
from testkit.render.docx import write_docx
from testkit.render.layout import Layout, Table
from testkit.render.pdf import write_pdf

AGENCY = "南山县人民政府"
SHARED = Path(__file__).parents[2].parent / "shared" / "fixtures"

# ---------------------------------------------------------------- the report's numbers

PROACTIVE: dict[str, dict[str, int | float | None]] = {
    "regulations": {"issued": 3, "repealed": 0, "in_force": 12},
    "normative_documents": {"issued": 1234, "repealed": 56, "in_force": 7890},
    "administrative_licensing": {"decisions": 447228},
    "administrative_penalty": {"decisions": 3985758},
    "administrative_coercion": {"decisions": None},  # printed blank
    "administrative_fees": {"amount_10k_yuan": 96171.6},
}
ROW_KEYS = [r.key for r in t.application_rows("split")]
BLANKS = {
    ("new_received", "research_institution"),
    ("denied_state_secret", "natural_person"),
    ("denied_third_party_rights", "legal_service_agency"),  # first row after the page break
    ("other_other", "social_welfare_organization"),
}


def _applications() -> dict[str, dict[str, int | None]]:
    table: dict[str, dict[str, int | None]] = {}
    for i, key in enumerate(ROW_KEYS):
        parts = {a: (i * 37 + j * 11) % 90 + 10 * j for j, a in enumerate(t.APPLICANT_PARTS)}
        for applicant in parts:
            if (key, applicant) in BLANKS:
                parts[applicant] = None
        table[key] = {**parts, "total": sum(v or 0 for v in parts.values())}
    table["new_received"]["natural_person"] = 1234  # multi-digit values next to each other
    table["new_received"]["commercial_enterprise"] = 5678
    table["new_received"]["total"] = 12345
    return table


APPLICATIONS = _applications()
REVIEWS = [72, 64, 178, 37, 351, 13, None, 8, 1, 22, 1204, 1, 1, 6, 1212]
REVIEWS_CONTRACT = {
    p: {o: REVIEWS[i * 5 + j] for j, o in enumerate(t.OUTCOMES)}
    for i, p in enumerate(t.PROCEEDINGS)
}


def _text(value: int | float | None) -> str:
    return "" if value is None else str(value)


# ---------------------------------------------------------------- the report's layout


def _proactive_table() -> Table:
    rows: list[list[str]] = []
    spans: list[tuple[int, int, int, int]] = []

    def wide(first: str, rest: str | None = None) -> None:
        """A heading over all four columns, or a label and one cell over the other three."""
        spans.append((len(rows), 0 if rest is None else 1, len(rows), 3))
        rows.append([first, rest or "", "", ""])

    wide("第二十条第（一）项")
    rows.append(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])
    for key, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        rows.append([label, *(_text(v) for v in PROACTIVE[key].values())])
    wide("第二十条第（五）项")
    wide("信息内容", "本年处理决定数量")
    wide("行政许可", _text(PROACTIVE["administrative_licensing"]["decisions"]))
    wide("第二十条第（六）项")
    wide("信息内容", "本年处理决定数量")
    wide("行政处罚", _text(PROACTIVE["administrative_penalty"]["decisions"]))
    wide("行政强制", _text(PROACTIVE["administrative_coercion"]["decisions"]))  # blank
    wide("第二十条第（八）项")
    wide("信息内容", "本年收费金额（单位：万元）")
    wide("行政事业性收费", _text(PROACTIVE["administrative_fees"]["amount_10k_yuan"]))
    return Table(rows, spans, [150, 115, 115, 115])


GROUPS = [  # (label, first row key, number of rows) of the merged group column
    ("（三）不予公开", "denied_state_secret", 8),
    ("（四）无法提供", "unavailable_not_held", 3),
    ("（五）不予处理", "not_processed_petition_complaint", 5),
    ("（六）其他处理", "other_overdue_correction", 3),
]
SINGLE_ROWS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "total_handled": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}


def _applications_table() -> Table:
    rows = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", ""]
        + ["申请人情况"]
        + [""] * 6,
        ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
    ]
    spans = [(0, 0, 2, 2), (0, 3, 0, 9), (1, 3, 2, 3), (1, 4, 1, 8), (1, 9, 2, 9)]
    first_outcome = len(rows) + ROW_KEYS.index("granted")
    spans.append((first_outcome, 0, len(rows) + ROW_KEYS.index("total_handled"), 0))
    group_at = {key: (label, n) for label, key, n in GROUPS}
    labels = {x.key: x.label for x in t.application_rows("split")}
    numbering = 0
    for key in ROW_KEYS:
        r = len(rows)
        if key in ("new_received", "carried_over", "carried_forward"):
            spans.append((r, 0, r, 2))
            row = [SINGLE_ROWS[key], "", ""]
        elif key in SINGLE_ROWS:
            spans.append((r, 1, r, 2))
            row = ["", SINGLE_ROWS[key], ""]
        else:
            group = ""
            if key in group_at:
                group, n = group_at[key]
                spans.append((r, 1, r + n - 1, 1))
                numbering = 0
            numbering += 1
            row = ["", group, f"{numbering}.{labels[key]}"]
        if r == first_outcome:
            row[0] = "三、本年度办理结果"
        rows.append(row + [_text(v) for v in APPLICATIONS[key].values()])
    # The page breaks inside the 不予公开 group and the 办理结果 column, as in real reports.
    split = 3 + ROW_KEYS.index("denied_third_party_rights")
    widths = [28, 62, 130] + [40] * 7
    return Table(rows, spans, widths, page_break_after=split)


def _reviews_table() -> Table:
    outcomes = list(t.OUTCOMES.values())
    rows = [
        ["行政复议"] + [""] * 4 + ["行政诉讼"] + [""] * 9,
        outcomes + ["未经复议直接起诉"] + [""] * 4 + ["复议后起诉"] + [""] * 4,
        [""] * 5 + outcomes * 2,
        [_text(v) for v in REVIEWS],
    ]
    spans = [(0, 0, 0, 4), (0, 5, 0, 14), (1, 5, 1, 9), (1, 10, 1, 14)]
    spans += [(1, c, 2, c) for c in range(5)]
    return Table(rows, spans, [33] * 15)


BODY = (
    "2024年，本县坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国"
    "政府信息公开条例》，全年主动公开政府信息5500余条，受理政府信息公开申请一百余件，"
    "各项工作有序推进。"
)
DOCUMENT = Layout(
    [AGENCY, "2024年政府信息公开工作年度报告"],
    [
        "本报告由南山县人民政府办公室根据《中华人民共和国政府信息公开条例》编制。",
        "一、总体情况",
        BODY,
        "二、主动公开政府信息情况",
        _proactive_table(),
        "三、收到和处理政府信息公开申请情况",
        _applications_table(),
        "四、政府信息公开行政复议、行政诉讼情况",
        _reviews_table(),
        "五、存在的主要问题及改进情况",
        BODY,
        "六、其他需要报告的事项",
        "本机关未收取信息处理费。",
    ],
)


def _expected() -> dict[str, object]:
    return {
        "agency": AGENCY,
        "year": 2024,
        "template": "2021",
        "proactive": PROACTIVE,
        "applications": APPLICATIONS,
        "reviews_litigation": REVIEWS_CONTRACT,
    }


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    return write_pdf(DOCUMENT, white_boxes=True)


@pytest.fixture(scope="module")
def report_docx() -> bytes:
    return write_docx(DOCUMENT)


# ---------------------------------------------------------------- tests


def _contract(data: bytes) -> dict[str, object]:
    _, report = parse_bytes(data)
    got = report.to_contract()
    return {k: got[k] for k in _expected()}


def test_pdf_every_cell(report_pdf: bytes) -> None:
    fmt, report = parse_bytes(report_pdf)
    assert fmt == "pdf"
    assert _contract(report_pdf) == _expected()
    cell = re.compile(r"^第\d+页 表\d+ 第\d+行 第\d+列$")
    assert all(cell.match(loc) for loc in report.locations.values())
    page = {k: int(re.match(r"第(\d+)页", v)[1]) for k, v in report.locations.items()}
    # The section-三 table really crosses the page break.
    first, last = "applications.new_received.total", "applications.carried_forward.total"
    assert page[last] == page[first] + 1


@pytest.mark.parametrize("footer", ["- {n} -", "— {n} —", "第 {n} 页"])
def test_pdf_row_at_a_page_break_without_a_line_under_it_is_read(footer: str) -> None:
    """Word prints a table whose rows may break across pages with no line under the last
    row on the page; the page number follows it. That row is printed and must be read."""
    import pypdfium2 as pdfium

    from testkit import corpus

    case = next(c for c in corpus.CASES if c.name == "clean-2021")
    data = write_pdf(case.layout(), footer=footer, split_rows=True)
    pages = [p.get_textpage().get_text_range() for p in pdfium.PdfDocument(data)]
    assert footer.format(n=1) in pages[0] and footer.format(n=2) in pages[1]
    _, report = parse_bytes(data)
    assert report.to_contract()["applications"] == corpus.expected(case).contract["applications"]
    assert report.findings == []
    page = {k: int(re.match(r"第(\d+)页", v)[1]) for k, v in report.locations.items()}
    assert page["applications.carried_forward.total"] == page["applications.new_received.total"] + 1


def test_pdf_grid(report_pdf: bytes) -> None:
    rows = pdf_reader.read(report_pdf)
    texts = [row[0].text for row in rows if len(row) == 1]
    assert texts[0] == AGENCY + "2024年政府信息公开工作年度报告"  # centred lines joined
    assert "三、收到和处理政府信息公开申请情况" in texts
    assert clean(BODY) in texts  # wrapped lines joined into one paragraph
    assert rows[0][0].location == "第1页 第1段"
    # Merged cells: the first position holds the text, the rest are marked spanned.
    denied = next(
        i for i, row in enumerate(rows) if row[1:2] and row[1].text == clean("（三）不予公开")
    )
    assert not rows[denied][1].spanned and rows[denied + 1][1].spanned
    assert rows[denied + 1][1].text == ""


def test_pdf_cell_text() -> None:
    assert pdf_reader._cell_text("商业企\n业") == "商业企业"
    assert pdf_reader._cell_text("4 4 7\n2 2 8") == "447228"  # letter-spaced, wrapped
    assert pdf_reader._cell_text("Legal\nservice") == "Legal service"
    assert pdf_reader._cell_text(None) is None


def test_docx_every_cell(report_docx: bytes) -> None:
    fmt, report = parse_bytes(report_docx)
    assert fmt == "docx"
    assert _contract(report_docx) == _expected()
    cell = re.compile(r"^表\d+ 第\d+行 第\d+列$")
    assert all(cell.match(loc) for loc in report.locations.values())


def test_docx_grid(report_docx: bytes) -> None:
    rows = docx_reader.read(report_docx)
    assert rows[0] == [Cell(AGENCY, "第1段")]
    denied = next(
        i for i, row in enumerate(rows) if row[1:2] and row[1].text == clean("（三）不予公开")
    )
    first, copy = rows[denied][1], rows[denied + 1][1]
    assert not first.spanned and first.location == "表2 第8行 第2列"
    assert copy.spanned and copy.location == first.location


def test_scanned_pdf_is_refused() -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawImage(ImageReader(Image.new("L", (200, 280), 200)), 50, 50, 400, 560)
    page.rect(60, 60, 380, 540)
    page.showPage()
    page.save()
    with pytest.raises(NotAReport) as refused:
        parse_bytes(out.getvalue())
    assert refused.value.rule == "SCANNED_DOCUMENT"


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.95])
def test_truncated_pdf_is_refused(report_pdf: bytes, fraction: float) -> None:
    with pytest.raises(NotAReport) as refused:
        parse_bytes(report_pdf[: int(len(report_pdf) * fraction)])
    assert refused.value.rule == "UNREADABLE_DOCUMENT"


def test_encrypted_pdf_is_refused() -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, encrypt=StandardEncryption("secret"))
    page.drawString(72, 720, "2024")
    page.showPage()
    page.save()
    with pytest.raises(NotAReport) as refused:
        parse_bytes(out.getvalue())
    assert refused.value.rule == "UNREADABLE_DOCUMENT"
    assert "加密" in refused.value.reason


def test_corrupt_docx_is_refused(report_docx: bytes) -> None:
    with pytest.raises(NotAReport) as refused:
        parse_bytes(report_docx[: len(report_docx) // 2])
    assert refused.value.rule == "UNREADABLE_DOCUMENT"


def test_real_huaian_pdf() -> None:
    source = SHARED / "real" / "huaian-city-government-2024.pdf"
    expected_file = SHARED / "expected" / "huaian-city-government-2024.json"
    if not source.exists() or not expected_file.exists():
        pytest.skip("../shared fixtures are not present")
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    got = parse_bytes(source.read_bytes())[1].to_contract()
    for key in ("agency", "year", "template"):
        assert got[key] == expected[key]
    for section in ("proactive", "applications", "reviews_litigation"):
        for row, cells in expected[section].items():
            for column, value in cells.items():
                assert got[section][row][column] == value, f"{section}.{row}.{column}"
