"""Collecting documents: for every registry entry, the document that is its report.

Where a report comes from, in order:
1. the inbox: a file the data office received by other means and dropped there;
2. the registry's `source`: a local file, or a URL (a report page whose tables are only in an
   attachment gets the attachment);
3. the body's listing page (`listing_url`): the link whose title names the year.
Every failure becomes a reason a clerk understands; the other entries go on. Links and
redirects are followed only on the body's own sites, those of its registry URLs (and the
hosts the data office allows): an untrusted portal cannot point the collector elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

from pipelines.collect import archive, discovery, local, pictures
from pipelines.collect.fetch import Fetched, Fetcher, FetchError, site
from pipelines.files import is_page_picture
from pipelines.registry.model import NO_SOURCE, Entry

MAX_LISTING_PAGES = 5  # a listing paginated further back than this is old history
WORKERS = 8  # documents collected at once (the fetcher limits each host on its own)
MAX_ATTACHMENTS = 10  # attachments of one report page tried before giving up on it


@dataclass(frozen=True)
class Document:
    body_id: str
    year: int
    source: str  # where the report was found: path, URL, inbox file, or where it was looked for
    sha256: str | None
    bytes: int | None
    error: str | None = None  # why the document could not be had, in Chinese
    found_by: str | None = None  # registry, discovery, inbox
    final_url: str | None = None  # after redirects
    via: str | None = None  # the report page an attachment was linked from
    note: str | None = None  # discovery: several candidates, which one was taken
    not_modified: bool = False  # answered 304: the archived copy is current
    checked_on: str | None = None  # date of this collection (YYYY-MM-DD)
    first_seen: str | None = None  # date a document was first had for this body and year
    looked_since: str | None = None  # date this body and year were first looked for online
    # the report changed after publication: the version xxgk had before, and when
    previous_sha256: str | None = None
    previous_seen: str | None = None  # date the previous version was first had
    changed_on: str | None = None  # date the current version was first had


class SourceError(Exception):
    pass


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def sites(entry: Entry) -> frozenset[str]:
    """The body's own sites: those of the URLs the registry gives for it."""
    return frozenset(site(u) for u in (entry.source, entry.listing_url or "") if is_url(u))


def read_file(source: str, roots: tuple[Path, ...]) -> bytes:
    """A local file named in the registry, relative to the registry's folder (`roots[0]`); read
    only inside `roots`: that folder and those the data office configures (`local_dirs`).

    Reasons name the file as the registry does, not by its path on this server: they are
    published, and a release must not depend on where the data office keeps its files.
    """
    try:
        return local.read(roots[0] / source, roots)
    except local.NotFound:
        raise SourceError(f"找不到文件：{source}（登记表所在目录下）") from None
    except local.Outside:
        raise SourceError(
            f"不在登记表所在目录（及设置 local_dirs 中的目录）内，不予读取"
            f" outside the registry's folder：{source}"
        ) from None
    except local.Refused as e:
        raise SourceError(f"{e}：{source}") from None


def collect(entry: Entry, roots: tuple[Path, ...], archive_root: Path) -> Document:
    """One registry entry with a local file into the archive; failures become a reason."""
    try:
        data = read_file(entry.source, roots)
    except SourceError as e:
        return Document(entry.body_id, entry.year, entry.source, None, None, str(e), "registry")
    digest = archive.store(archive_root, data)
    archive.record(
        archive_root,
        {
            "event": "local_file",
            "sha256": digest,
            "source": entry.source,
            "body_id": entry.body_id,
            "year": entry.year,
            "bytes": len(data),
            "collected_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    return Document(entry.body_id, entry.year, entry.source, digest, len(data), found_by="registry")


@dataclass
class Listing:
    """What a listing page (and the pages after it) showed."""

    url: str
    found: dict[int, list[discovery.Link]] = field(default_factory=dict)
    pages: int = 0
    error: str | None = None


@dataclass(frozen=True)
class InboxDocument:
    file: str
    sha256: str
    bytes: int


@dataclass
class Collector:
    """Collects many entries; `is_report(sha256)` tells whether an archived document reads as
    an annual report (the parse cache answers, so nothing is parsed twice)."""

    base_dir: Path  # the registry's folder: its local sources are relative to it
    archive_root: Path
    fetcher: Fetcher
    is_report: Callable[[str], bool]
    inbox: dict[tuple[str, int], InboxDocument] = field(default_factory=dict)
    conditional: bool = True  # False: download again even if the server says unchanged
    listings: dict[str, Listing] = field(default_factory=dict)
    # every registered body's names: a link naming another body is never taken for this one
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # folders besides the registry's that local sources may be read from (`local_dirs`)
    local_dirs: tuple[Path, ...] = ()

    def collect_all(self, entries: list[Entry], today: date) -> list[Document]:
        names = self.names or {e.body_id: e.names for e in entries}
        wanted = {
            e.listing_url
            for e in entries
            if e.listing_url and not e.source and (e.body_id, e.year) not in self.inbox
        }
        with ThreadPoolExecutor(WORKERS) as pool:
            for listing in pool.map(self.read_listing, sorted(wanted)):
                self.listings[listing.url] = listing
            documents = list(pool.map(lambda e: self.collect(e, names), entries))
        return [replace(d, checked_on=today.isoformat()) for d in documents]

    def collect(self, entry: Entry, names: dict[str, tuple[str, ...]]) -> Document:
        key = (entry.body_id, entry.year)
        if key in self.inbox:
            item = self.inbox[key]
            return Document(*key, f"收件箱：{item.file}", item.sha256, item.bytes, found_by="inbox")
        context = {"body_id": entry.body_id, "year": entry.year}
        if entry.source and not is_url(entry.source):
            return collect(entry, (self.base_dir, *self.local_dirs), self.archive_root)
        if entry.source:
            return self._from_url(entry, entry.source, "registry", context)
        if not entry.listing_url:
            return Document(
                *key,
                NO_SOURCE,
                None,
                None,
                "登记表中没有该年度报告的位置，也没有年报栏目网址（listing_url），收件箱中也没有",
            )
        listing = self.listings.get(entry.listing_url) or self.read_listing(entry.listing_url)
        if listing.error:
            return Document(
                *key, entry.listing_url, None, None, f"年报栏目页取不到：{listing.error}"
            )
        others = tuple(n for body, ns in names.items() if body != entry.body_id for n in ns)
        chosen = discovery.pick(listing.found, entry.year, entry.names, others)
        if chosen.chosen is None:
            years = "、".join(str(y) for y in sorted(listing.found)) or "无"
            reason = (
                f"年报栏目（共{listing.pages}页）中没有找到{entry.year}年的年度报告"
                f"（栏目中找到的年度：{years}）"
            )
            return Document(*key, entry.listing_url, None, None, reason, "discovery")
        document = self._from_url(entry, chosen.chosen.url, "discovery", context)
        notes = [n for n in (chosen.note, document.note) if n]
        return replace(document, note="；".join(notes) or None)

    def read_listing(self, url: str) -> Listing:
        """The listing page and up to MAX_LISTING_PAGES-1 pages after it (下一页)."""
        listing = Listing(url)
        page_url: str | None = url
        seen: set[str] = set()
        while page_url and page_url not in seen and listing.pages < MAX_LISTING_PAGES:
            seen.add(page_url)
            try:
                fetched = self.fetcher.fetch(
                    page_url,
                    conditional=self.conditional,
                    context={"role": "listing"},
                    sites=frozenset({site(url)}),  # 下一页 stays on the listing's site
                )
            except FetchError as e:
                if listing.pages == 0:
                    listing.error = f"{e.reason}：{page_url}"
                break  # the pages already read stand
            listing.pages += 1
            page_links = discovery.links(archive.load(self.archive_root, fetched.sha256), page_url)
            for year, found in discovery.reports_by_year(page_links).items():
                group = listing.found.setdefault(year, [])
                group += [f for f in found if all(f.url != g.url for g in group)]
            page_url = discovery.next_page(page_links)
        return listing

    def _from_url(self, entry: Entry, url: str, found_by: str, context: dict) -> Document:
        """A report URL: the document itself, or — for a page without the tables — its
        first PDF/Word attachment that reads as a report (of the first MAX_ATTACHMENTS)."""
        key = (entry.body_id, entry.year)
        own = sites(entry)
        try:
            page = self.fetcher.fetch(url, conditional=self.conditional, context=context, sites=own)
        except FetchError as e:
            return Document(*key, url, None, None, f"{e.reason}：{url}", found_by)
        if page.format != "html" or self.is_report(page.sha256):
            return _document(key, page, None, found_by)
        html = archive.load(self.archive_root, page.sha256)
        links = discovery.attachments(html, page.final_url)
        if not links:
            return self._pictures(entry, page, html, found_by, context) or _document(
                key, page, None, found_by
            )
        chosen, failures = self._attachment(links[:MAX_ATTACHMENTS], page, context, own)
        capped = None
        if len(links) > MAX_ATTACHMENTS and (chosen is None or not self.is_report(chosen.sha256)):
            capped = (
                f"报告页上有{len(links)}个附件，只下载了前{MAX_ATTACHMENTS}个"
                f"（上限{MAX_ATTACHMENTS}个），其中没有可读的年度报告"
            )
        if chosen is None:  # the tables are in an attachment we could not get
            reason = f"报告页上的附件取不到：{'；'.join(failures)}" + (
                f"；{capped}" if capped else ""
            )
            return Document(*key, url, None, None, reason, found_by)
        return replace(_document(key, chosen, url, found_by), note=capped)

    def _pictures(
        self, entry: Entry, page: Fetched, html: bytes, found_by: str, context: dict
    ) -> Document | None:
        """A page whose report is pictures (「图片版」: its pages, or its tables): its page-sized
        pictures (on the body's own sites, at most MAX_PICTURES) put inside the page, archived
        as the document OCR reads; None when the page has no such pictures or the page with
        them does not read as a report."""
        urls = discovery.pictures(html, page.final_url)[: pictures.MAX_PICTURES]
        had = {}
        for url in urls:
            try:
                fetched = self.fetcher.fetch(
                    url,
                    conditional=self.conditional,
                    context={**context, "via": page.final_url},
                    sites=sites(entry),
                )
            except FetchError:
                continue  # a broken or off-site picture: the others may still be the report
            data = archive.load(self.archive_root, fetched.sha256)
            if is_page_picture(data):
                had[url] = data
        if not had:
            return None
        digest = archive.store(self.archive_root, pictures.inline(html, page.final_url, had))
        archive.record(
            self.archive_root,
            {
                "event": "pictures_inlined",
                "sha256": digest,
                "source": page.final_url,
                "pictures": list(had),
                "body_id": entry.body_id,
                "year": entry.year,
            },
        )
        if not self.is_report(digest):
            return None
        stacked = archive.load(self.archive_root, digest)
        note = f"报告页上的{len(had)}张图片（图片版）放进网页，与网页文字一起读取，图片由OCR识别"
        return Document(
            entry.body_id,
            entry.year,
            page.url,
            digest,
            len(stacked),
            found_by=found_by,
            final_url=page.final_url,
            via=page.final_url,
            note=note,
        )

    def _attachment(
        self, links: list[discovery.Link], page: Fetched, context: dict, own: frozenset[str]
    ) -> tuple[Fetched | None, list[str]]:
        """The first attachment that reads as a report, else the first one had; and why the
        others could not be had."""
        chosen, failures = None, []
        for link in links:
            try:
                attachment = self.fetcher.fetch(
                    link.url,
                    conditional=self.conditional,
                    context={**context, "via": page.final_url},
                    sites=own,
                )
            except FetchError as e:
                failures.append(f"{e.reason}：{link.url}")
                continue
            if self.is_report(attachment.sha256):
                return attachment, failures
            chosen = chosen or attachment
        return chosen, failures


def _document(key: tuple[str, int], f: Fetched, via: str | None, found_by: str) -> Document:
    return Document(
        *key,
        f.url,
        f.sha256,
        f.bytes,
        found_by=found_by,
        final_url=f.final_url,
        via=via,
        not_modified=f.not_modified,
    )
