"""Discovery: each year's report found on a body's listing page (a real loopback server),
its attachment taken when the page only links it, ambiguity recorded."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from pipelines.collect import archive, discovery
from pipelines.collect.collector import MAX_ATTACHMENTS, Collector
from pipelines.collect.fetch import Fetcher, Policy
from pipelines.read import ocr
from pipelines.read.cache import cached_parse
from pipelines.registry.model import Entry
from testkit.render import scan

from support.portal import (
    Portal,
    Route,
    attachment_page,
    listing_page,
    report_docx,
    report_html,
    report_pdf,
    serve,
)

POLICY = Policy(read_timeout=2, retries=1, backoff=0.01, min_interval=0, per_host=4)
NAME = "永安市财政局"


def entry(year: int, listing: str | None, name: str = NAME, body_id: str = "cz", **kw) -> Entry:
    return Entry(
        body_id, name, "永安市", "350481", "department", None, year, "", False,
        listing_url=listing, **kw,
    )  # fmt: skip


def collector(tmp_path: Path) -> Collector:
    raw, cache = tmp_path / "raw", tmp_path / "parsed"
    return Collector(
        base_dir=tmp_path,
        archive_root=raw,
        fetcher=Fetcher(raw, tmp_path / "state", POLICY),
        is_report=lambda digest: (
            cached_parse(cache, digest, lambda d: archive.load(raw, d))[0].report is not None
        ),
    )


def test_titles_name_the_year_in_digits_or_chinese_numerals():
    assert discovery.report_year("永安市财政局2023年政府信息公开工作年度报告") == 2023
    assert discovery.report_year("二〇二二年政府信息公开工作年度报告") == 2022
    assert discovery.is_report_title("2021年度政府信息公开工作年度报告")
    assert not discovery.is_report_title("政府信息公开指南")
    assert not discovery.is_report_title("2023年部门预算公开")


def test_longest_registered_name_wins_on_a_shared_listing():
    found = {
        2023: [
            discovery.Link(
                "http://x/1", "永安市人民政府办公室2023年政府信息公开工作年度报告", "page"
            ),
            discovery.Link("http://x/2", "永安市人民政府2023年政府信息公开工作年度报告", "page"),
        ]
    }
    city = discovery.pick(found, 2023, ("永安市人民政府",), ("永安市人民政府办公室",))
    office = discovery.pick(found, 2023, ("永安市人民政府办公室",), ("永安市人民政府",))
    assert city.chosen and city.chosen.url == "http://x/2" and not city.ambiguous
    assert office.chosen and office.chosen.url == "http://x/1"


@pytest.fixture
def portal():
    with serve() as p:
        yield p


def test_listing_pages_reports_and_attachments(portal: Portal, tmp_path):
    """A GBK listing over two pages: an HTML report (2023), a page that only attaches a PDF
    (2022), a direct DOCX link (2021), two candidates for 2020, nothing for 2019."""
    t = "永安市财政局{}年政府信息公开工作年度报告"
    portal.add("/2023.html", report_html(NAME, 2023, encoding="gbk"))
    portal.add("/2022.html", attachment_page(t.format(2022), [("/files/2022.pdf", "2022年报.pdf")]))
    portal.add("/files/2022.pdf", Route(report_pdf(NAME, 2022), content_type="application/pdf"))
    portal.add("/2021.docx", Route(report_docx(NAME, 2021), content_type="application/msword"))
    portal.add("/2020a.html", report_html(NAME, 2020))
    portal.add("/2020b.html", report_html(NAME, 2020, published_on="2021-01-15"))
    page1 = [("/2023.html", t.format(2023)), ("/2022.html", t.format(2022))]
    page2 = [
        ("/2021.docx", t.format(2021)),
        ("/2020a.html", t.format(2020)),
        ("/2020b.html", t.format(2020) + "（更正）"),
    ]
    listing = portal.add("/ndbg/index.html", listing_page(page1, next_href="index_1.html", encoding="gbk"))  # fmt: skip
    portal.add("/ndbg/index_1.html", listing_page(page2, encoding="gbk"))
    c = collector(tmp_path)
    docs = {
        d.year: d
        for d in c.collect_all([entry(y, listing) for y in (2023, 2022, 2021, 2020, 2019)], date(2026, 11, 1))
    }  # fmt: skip
    assert docs[2023].sha256 and docs[2023].found_by == "discovery"
    assert docs[2023].source == portal.url + "/2023.html"
    assert docs[2022].source == portal.url + "/files/2022.pdf"  # the attachment, not the page
    assert docs[2022].via == portal.url + "/2022.html"
    assert docs[2021].source == portal.url + "/2021.docx"
    assert docs[2020].source == portal.url + "/2020b.html"  # the corrected one
    assert "2个候选" in (docs[2020].note or "") and "请核对" in (docs[2020].note or "")
    assert docs[2019].sha256 is None
    assert "没有找到2019年的年度报告" in (docs[2019].error or "")
    assert "2020、2021、2022、2023" in (docs[2019].error or "")
    (read,) = c.listings.values()
    assert read.pages == 2 and sorted(read.found) == [2020, 2021, 2022, 2023]
    assert len(portal.hits_for("/ndbg/index.html")) == 1  # one listing read for five entries


def test_listing_that_cannot_be_had_is_the_reason(portal: Portal, tmp_path):
    (doc,) = collector(tmp_path).collect_all([entry(2023, portal.url + "/gone/")], date(2026, 1, 1))
    assert doc.error and doc.error.startswith("年报栏目页取不到：404 页面不存在")
    assert doc.source == portal.url + "/gone/"


def test_other_bodies_reports_on_a_shared_listing_are_not_taken(portal: Portal, tmp_path):
    portal.add("/edu.html", report_html("永安市教育局", 2023))
    shared = portal.add(
        "/city/", listing_page([("/edu.html", "永安市教育局2023年政府信息公开工作年度报告")])
    )
    finance, education = (
        entry(2023, shared),
        entry(2023, shared, name="永安市教育局", body_id="jy"),
    )
    docs = collector(tmp_path).collect_all([finance, education], date(2026, 1, 1))
    assert docs[0].sha256 is None and docs[1].sha256 is not None


@pytest.fixture
def other():
    """A second server on 127.0.0.1, on another port: another site."""
    with serve() as p:
        yield p


def test_links_to_another_site_are_refused(portal: Portal, other: Portal, tmp_path):
    """An untrusted listing links 2023 to another host, and 2022's page attaches a PDF there:
    neither is fetched; a body the registry places on that host is."""
    t = "永安市财政局{}年政府信息公开工作年度报告"
    far_report = other.add("/2023.html", report_html(NAME, 2023))
    far_pdf = other.add("/2022.pdf", Route(report_pdf(NAME, 2022)))
    portal.add("/2022.html", attachment_page(t.format(2022), [(far_pdf, "2022年报.pdf")]))
    listing = portal.add(
        "/ndbg/", listing_page([(far_report, t.format(2023)), ("/2022.html", t.format(2022))])
    )
    there = other.url.removeprefix("http://")
    c = collector(tmp_path)
    y2023, y2022 = c.collect_all([entry(2023, listing), entry(2022, listing)], date(2026, 1, 1))
    assert y2023.sha256 is None and y2022.sha256 is None
    assert y2023.error and y2023.error.startswith(f"不在该机关的网站上（{there}），已拒绝")
    assert y2022.error and y2022.error.startswith(
        f"报告页上的附件取不到：不在该机关的网站上（{there}），已拒绝"
    )
    assert other.hits == []
    registered_there = replace(entry(2023, None, body_id="other"), source=far_report)
    (doc,) = c.collect_all([registered_there], date(2026, 1, 1))
    assert doc.sha256 and doc.error is None


def test_attachments_tried_on_one_page_are_capped(portal: Portal, tmp_path):
    files = [(f"/f/{n}.pdf", f"附件{n}.pdf") for n in range(40)]
    for path, _ in files:
        portal.add(path, Route(f"%PDF-1.4\n{path}\n%%EOF\n".encode()))  # not a report
    page = portal.add("/2023.html", attachment_page("2023年年报", files))
    (doc,) = collector(tmp_path).collect_all([replace(entry(2023, None), source=page)], date(2026, 1, 1))  # fmt: skip
    assert sum(h.path.startswith("/f/") for h in portal.hits) == MAX_ATTACHMENTS == 10
    assert doc.note == "报告页上有40个附件，只下载了前10个（上限10个），其中没有可读的年度报告"
    assert doc.source == portal.url + "/f/0.pdf"  # the first had, for the reader to judge


def test_a_report_cut_short_is_the_entrys_reason_not_a_document(portal: Portal, tmp_path):
    url = portal.add("/2023.pdf", Route(report_pdf(NAME, 2023), cut_at=1000))
    (doc,) = collector(tmp_path).collect_all([replace(entry(2023, None), source=url)], date(2026, 1, 1))  # fmt: skip
    assert (
        doc.sha256 is None and doc.error and doc.error.startswith("下载不完整（收到1000字节，应为")
    )
    assert not (tmp_path / "raw" / "sha256").exists()


@pytest.mark.skipif(not ocr.available(), reason="no OCR engine (make setup)")
def test_a_report_published_as_pictures_on_its_page_is_read_by_ocr(portal: Portal, tmp_path):
    """「图片版」: the article is the report's pages as <img>, beside a logo; the page-sized
    pictures are fetched (like attachments, on the body's own site), put inside the page and
    read by OCR where they stand; a picture on another site is not fetched."""
    pages = scan.pictures(report_pdf(NAME, 2023), 150, quality=85)
    tags = []
    for n, page in enumerate(pages):
        out = io.BytesIO()
        page.save(out, "JPEG", quality=85)
        tags.append(f'<p><img src="/img/p{n}.jpg"></p>')
        portal.add(f"/img/p{n}.jpg", Route(out.getvalue(), content_type="image/jpeg"))
    logo = io.BytesIO()
    Image.new("L", (120, 40), 0).save(logo, "PNG")
    portal.add("/img/logo.png", Route(logo.getvalue(), content_type="image/png"))
    with serve() as elsewhere:
        away = elsewhere.add("/x.jpg", Route(logo.getvalue(), content_type="image/jpeg"))
        html = (
            "<html><head><meta charset='utf-8'><title>永安市财政局2023年政府信息公开工作年度报告"
            f"</title></head><body><img src='/img/logo.png'><img src='{away}'>"
            f"<h1>永安市财政局2023年政府信息公开工作年度报告</h1>{''.join(tags)}</body></html>"
        )
        page = portal.add("/2023.html", Route(html.encode()))
        (doc,) = collector(tmp_path).collect_all(
            [replace(entry(2023, None), source=page)], date(2026, 1, 1)
        )
        assert not elsewhere.hits  # another site's picture is never fetched
    assert doc.error is None and doc.note and f"{len(pages)}张图片" in doc.note
    outcome, _ = cached_parse(
        tmp_path / "parsed", doc.sha256, lambda d: archive.load(tmp_path / "raw", d)
    )
    report = outcome.report
    assert outcome.source_format == "html" and report is not None
    assert all(v.startswith("OCR") for v in report.locations.values())
    assert report.applications["new_received"]["total"] is not None
    inlined = [e for e in archive.history(tmp_path / "raw") if e.get("event") == "pictures_inlined"]
    assert [u.rsplit("/", 1)[1] for u in inlined[0]["pictures"]] == [
        f"p{n}.jpg" for n in range(len(pages))
    ]  # the logo left out, the pages in page order


@pytest.mark.skipif(not ocr.available(), reason="no OCR engine (make setup)")
def test_a_page_whose_tables_are_pictures_is_read_with_its_text(portal: Portal, tmp_path):
    """「图片版」 tables: the page's text is HTML, its three tables are scanned JPEGs (200 dpi,
    skewed, noisy) as <img>; the page and its pictures are one document: the text read as
    text (title, date), the tables by OCR, every OCR cell marked, none silent."""
    from pipelines.read.evaluate import Result, compare
    from testkit import corpus
    from testkit.render.html import write_html
    from testkit.render.layout import Table

    case = next(c for c in corpus.CASES if c.name == "clean-2021")
    doc = case.layout()
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    srcs = []
    for t, table in enumerate(tables):
        srcs.append([])
        for p, picture in enumerate(scan.table_pictures(table, 200, **scan.REALISTIC)):
            srcs[-1].append(
                portal.add(f"/img/t{t}-{p}.jpg", Route(picture, content_type="image/jpeg"))
            )
    page = portal.add("/2023.html", Route(write_html(doc, pictures=srcs)))
    (got,) = collector(tmp_path).collect_all(
        [replace(entry(2023, None), source=page)], date(2026, 1, 1)
    )
    assert got.error is None and got.note and "图片版" in got.note
    outcome, _ = cached_parse(
        tmp_path / "parsed", got.sha256, lambda d: archive.load(tmp_path / "raw", d)
    )
    report = outcome.report
    assert outcome.source_format == "html" and report is not None
    want = corpus.expected(case)
    assert (report.agency, report.year) == (want.contract["agency"], want.contract["year"])
    assert report.published_on == want.published_on  # the page's own text, not OCR
    assert report.locations and all(v.startswith("OCR") for v in report.locations.values())
    cells, wrong = compare(want.contract, report)
    result = Result("page", "html", cells, wrong, report=report)
    assert result.right >= 0.98 * cells and result.silent_cells == []
