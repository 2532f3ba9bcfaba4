"""Body names are text wherever the data office reads Markdown: a name carrying HTML, a
Markdown image or a line break shows as itself in CHANGELOG.md and in the Dagster metadata,
every changelog entry stays, and nothing in it is a live tag, image or link."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from support.runs import copy_corpus, release_run

# Names as a hostile registry or portal could give them.
PAYLOADS = {
    "yongan-city-government": "<img src=x onerror=alert(1)>",
    "yongan-industry-it-bureau": "<script>alert(1)</script>",
    "yongan-finance-bureau": "<iframe src=http://127.0.0.1:9/x></iframe>",
    "yongan-water-bureau": "![](http://beacon.example/p.png)",
    "yongan-transport-bureau": "换行\r\n- 伪造条目 | 伪造",
}
SHOWN = {body: " ".join(name.split("\r\n")) for body, name in PAYLOADS.items()}
LIVE = {"img", "script", "iframe", "a", "object", "embed", "svg", "style"}


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append(tag)

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def render(markdown: str) -> Page:
    """As a Markdown viewer that passes raw HTML through would show it (the worst case)."""
    return Page(MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown))


def rename(registry, names):
    rows = list(csv.DictReader(io.StringIO(registry.read_text(encoding="utf-8"))))
    for row in rows:
        row["name"] = names.get(row["body_id"], row["name"])
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    registry.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def renamed(tmp_path_factory):
    """1.0.0 with the demo's names, then 1.0.1 in which five bodies carry the payloads."""
    tmp = tmp_path_factory.mktemp("escape")
    corpus, data = copy_corpus(tmp), tmp / "data"
    release_run(data, corpus / "registry.csv")
    rename(corpus / "registry.csv", PAYLOADS)
    return data, release_run(data, corpus / "registry.csv")


def test_the_changelog_keeps_every_entry_and_shows_each_name_as_text(renamed):
    data, run = renamed
    release = data / "releases" / "1.0.1"
    changes = json.loads((release / "changes.json").read_text(encoding="utf-8"))
    renamed_bodies = {b["body_id"] for b in changes["body_years"]}
    assert set(PAYLOADS) <= renamed_bodies
    for text in (
        (release / "CHANGELOG.md").read_text(encoding="utf-8"),
        (data / "releases" / "CHANGELOG.md").read_text(encoding="utf-8"),
        run.metadata("release")["更新日志 changelog"],
    ):
        page = render(text)
        assert not LIVE & set(page.tags), page.tags
        assert page.tags.count("li") == len(changes["body_years"])  # no entry swallowed
        shown = "".join(page.text)
        for body, name in SHOWN.items():
            assert f"{name}（{body}）" in shown, name
        assert "http://" not in text and "\r" not in text  # no bare URL to autolink


def test_dagster_metadata_tables_show_names_as_text(renamed):
    _, run = renamed
    bodies = run.metadata("registry")["机关 bodies list"]
    page = render(bodies)
    assert not LIVE & set(page.tags), page.tags
    shown = "".join(page.text)
    for name in SHOWN.values():
        assert name in shown, name
    assert page.tags.count("tr") == 1 + len(bodies.splitlines()) - 2  # one row per body


def test_asset_check_descriptions_show_names_as_text(renamed):
    """The checks list bodies by name (reports not read, reports missing or late)."""
    _, run = renamed
    descriptions = [e.description or "" for e in run.checks().values()]
    naming = [
        d for d in descriptions if any(name in "".join(render(d).text) for name in SHOWN.values())
    ]
    assert naming, "no check names a renamed body: the test would show nothing"
    for description in descriptions:
        page = render(description)
        assert not LIVE & set(page.tags), (description, page.tags)
        assert "\r" not in description and "\n" not in description
