"""Finding each year's report on a body's listing page (its 政府信息公开年报 column).

A link is a report when its title (text or `title` attribute; listing pages often cut long
titles short) names a year and 年度报告 / 年报 / 政府信息公开工作; it is an attachment when it
points at a PDF/Word file. A report page may itself hold the tables or only attach them.
What was found and what was ambiguous (two candidates for one year) is recorded, with the
choice made and why, for the data office to confirm.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html

from pipelines.text import CN_DIGIT_CHARS, cn_digits, decode, squash

DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".ofd")
_NEXT_PAGE = {"下一页", "下页", "下一页>", "下一页>>", ">", ">>", "后页"}
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_CN = re.compile(rf"([{CN_DIGIT_CHARS}]{{4}})\s*年")
_REPORT_WORDS = ("年度报告", "年报", "政府信息公开工作", "信息公开工作报告")


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    kind: str  # "attachment" (PDF/Word file) or "page"


@dataclass
class YearPick:
    year: int
    chosen: Link | None
    candidates: list[Link] = field(default_factory=list)
    note: str | None = None  # why a choice was made among several, in Chinese

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def link_kind(url: str, text: str) -> str:
    path = urllib.parse.urlsplit(url).path.lower()
    if path.endswith(DOCUMENT_SUFFIXES) or text.lower().strip().endswith(DOCUMENT_SUFFIXES):
        return "attachment"
    return "page"


def _page(data: bytes, base_url: str) -> tuple[Any, str] | None:
    """A page parsed, with the URL its links are relative to (its <base>); None for a page
    that is empty or cannot be parsed."""
    text = decode(data)
    if not text.strip():
        return None
    try:
        doc = lxml_html.fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    base = doc.xpath("//base/@href")
    return doc, urllib.parse.urljoin(base_url, base[0]) if base else base_url


def links(data: bytes, base_url: str) -> list[Link]:
    """Every link of a page, absolute, with its title text, in page order."""
    page = _page(data, base_url)
    if page is None:
        return []
    doc, base_url = page
    out = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        title = " ".join((a.get("title") or "").split())
        shown = " ".join(a.text_content().split())
        # the longer of the two: listing pages cut the shown title short (…)
        label = title if len(title) > len(shown.rstrip(".…")) else shown
        url = urllib.parse.urljoin(base_url, href)
        out.append(Link(url, label, link_kind(url, label)))
    return out


def report_year(title: str) -> int | None:
    """The statistical year a title names: 2023年… or 二〇二三年…"""
    match = _YEAR.search(title)
    if match:
        return int(match.group(1))
    match = _YEAR_CN.search(title)
    if match:
        return cn_digits(match.group(1))
    return None


def is_report_title(title: str) -> bool:
    return report_year(title) is not None and any(w in title for w in _REPORT_WORDS)


def next_page(page_links: list[Link]) -> str | None:
    for link in page_links:
        if link.text.replace(" ", "") in _NEXT_PAGE:
            return link.url
    return None


def reports_by_year(page_links: list[Link]) -> dict[int, list[Link]]:
    """Report links grouped by year, each URL once, in page order."""
    found: dict[int, list[Link]] = {}
    for link in page_links:
        if not is_report_title(link.text):
            continue
        year = report_year(link.text)
        assert year is not None
        group = found.setdefault(year, [])
        if all(link.url != other.url for other in group):
            group.append(link)
    return found


def _named(title: str, names: tuple[str, ...]) -> int:
    """Length of the longest of `names` the title contains (0: none)."""
    squashed = squash(title)
    return max((len(n) for n in names if n and squash(n) in squashed), default=0)


def pick(
    found: dict[int, list[Link]],
    year: int,
    names: tuple[str, ...],
    other_names: tuple[str, ...] = (),
) -> YearPick:
    """The report link for one body and year. A listing shared by several bodies (a city's
    column with every bureau) is narrowed to the titles naming this body; a title naming
    another registered body is never taken. The longest name wins, so 永安市人民政府办公室
    is not taken for 永安市人民政府."""
    candidates = found.get(year, [])
    ours = [c for c in candidates if _named(c.text, names) > _named(c.text, other_names)]
    candidates = ours or [c for c in candidates if not _named(c.text, other_names)]
    if not candidates:
        return YearPick(year, None)
    if len(candidates) == 1:
        return YearPick(year, candidates[0], candidates)

    # several: prefer a corrected version, then the full report title, then page order
    def score(link: Link) -> tuple[int, int]:
        corrected = any(w in link.text for w in ("更正", "修订", "修正"))
        full = "政府信息公开工作年度报告" in link.text
        return (int(corrected), int(full))

    chosen = max(candidates, key=score)  # max keeps the first of equals: page order
    listed = "、".join(f"「{c.text}」（{c.url}）" for c in candidates)
    note = f"列表页上{year}年有{len(candidates)}个候选：{listed}；选用了「{chosen.text}」，请核对"
    return YearPick(year, chosen, candidates, note)


def attachments(data: bytes, base_url: str) -> list[Link]:
    """PDF/Word attachments linked from a report page, in page order, each URL once."""
    out: list[Link] = []
    for link in links(data, base_url):
        if link.kind == "attachment" and all(link.url != o.url for o in out):
            out.append(link)
    return out


def pictures(data: bytes, base_url: str) -> list[str]:
    """The pictures of a page (`<img src>`, absolute), in page order, each once: a report
    published as images (「图片版」) has its pages, or its tables, as pictures in the article."""
    out: list[str] = []
    for _, url in picture_tags(data, base_url):
        if url not in out:
            out.append(url)
    return out


def picture_tags(data: bytes, base_url: str) -> list[tuple[Any, str]]:
    """Each `<img>` of a parsed page that links a picture, with its absolute URL; the page
    itself is the document the first one belongs to (`getroottree()`)."""
    page = _page(data, base_url)
    if page is None:
        return []
    doc, base_url = page
    out = []
    for img in doc.iter("img"):
        src = (img.get("src") or img.get("data-src") or "").strip()
        if src and not src.startswith("data:"):
            out.append((img, urllib.parse.urljoin(base_url, src)))
    return out
