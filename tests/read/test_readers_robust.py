"""Reports nobody has seen yet: portal markup, text dumps with section 四 under the wrong
header. (Thousands separators, full-width digits, "12件", <br> and nested layout tables, split
and one-character-per-line labels are in the generated corpus; borderless PDF tables in
test_pdf_borderless.py.)"""

from __future__ import annotations

from pipelines.read import template as t
from pipelines.read.document import parse_bytes
from testkit import corpus
from testkit.render.html import write_html
from testkit.render.text import write_text

CLEAN = next(c for c in corpus.CASES if c.name == "clean-2021")


def test_label_split_over_two_cells() -> None:
    page = write_html(CLEAN.layout()).decode()
    cell = "<td>①本机关不掌握相关政府信息</td>"
    assert cell in page
    page = page.replace(cell, "<td>①本机关不掌</td><td>握相关政府信息</td>")
    _, report = parse_bytes(page.encode())
    assert report.applications == CLEAN.report().applications


def test_applicant_header_in_two_rows_with_br_and_nbsp() -> None:
    page = write_html(CLEAN.layout()).decode()
    page = page.replace("<td>法律服务机构</td>", "<td>法律<br>服务<br>机构</td>")
    page = page.replace("申请人情况", "申&nbsp;请&nbsp;人&nbsp;情&nbsp;况")
    _, report = parse_bytes(page.encode("gb18030"))
    assert report.applications == CLEAN.report().applications


def test_text_dump_with_section_four_under_the_wrong_header() -> None:
    text = write_text(CLEAN.layout()).decode()
    numbers = [
        str(CLEAN.report().reviews_litigation[p][o]) for p in t.PROCEEDINGS for o in t.OUTCOMES
    ]
    row = "\t".join(numbers)
    assert row in text
    # The 15 numbers shifted right, under 行政诉讼.
    shifted = text.replace(row, "\t" * 5 + row)
    _, report = parse_bytes(shifted.encode())
    assert report.reviews_litigation == CLEAN.report().reviews_litigation
    header = text.replace("\n" + row, "\t" + row)  # on the line of the outcome labels
    _, report = parse_bytes(header.encode())
    assert report.reviews_litigation == CLEAN.report().reviews_litigation


def test_section_four_with_a_number_missing_is_left_out_not_shifted() -> None:
    page = write_html(CLEAN.layout()).decode()
    last = page.rindex("<tr><td>")
    row_end = page.index("</tr>", last)
    cells = page[last:row_end].split("</td>")
    page = page[:last] + "</td>".join(cells[1:]) + page[row_end:]  # 14 cells, no blank
    _, report = parse_bytes(page.encode())
    assert all(v is None for cells in report.reviews_litigation.values() for v in cells.values())
    assert any(f.rule == "COMPLETE" for f in report.findings)


def test_date_under_the_signature_in_chinese_numerals() -> None:
    text = write_text(CLEAN.layout()).decode()
    year = CLEAN.report().year + 1
    chinese = "".join("〇一二三四五六七八九"[int(d)] for d in str(year))
    dated = text.rsplit("\n", 1)[0] + f"\n{chinese}年一月二十日"
    _, report = parse_bytes(dated.encode())
    assert report.published_on == f"{year}-01-20"


# PDFium is not thread-safe: the collector's threads ask whether documents are reports. Run in
# a child process, so that a corrupted heap fails this test instead of aborting the session.
_THREADS = """
from concurrent.futures import ThreadPoolExecutor
from pipelines.read.document import parse_bytes
from testkit import corpus
from testkit.render.scan import scanned
cases = corpus.CASES[:6]
docs = [corpus.render(c, "pdf") for c in cases] * 20
docs.insert(3, scanned(docs[0], dpi=100))  # OCR renders its pages with pdfium too
want = [c.report().agency for c in cases] * 20
want.insert(3, parse_bytes(docs[3])[1].agency)  # as OCR reads it alone
with ThreadPoolExecutor(4) as pool:
    read = list(pool.map(lambda d: parse_bytes(d)[1].agency, docs))
print(len(read), read == want)
"""


def test_pdfs_read_from_several_threads_at_once() -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parents[2]
    done = subprocess.run(
        [sys.executable, "-c", _THREADS], cwd=root, capture_output=True, text=True, timeout=600
    )
    assert (done.returncode, done.stdout.split()) == (0, ["121", "True"]), done.stderr[-2000:]
