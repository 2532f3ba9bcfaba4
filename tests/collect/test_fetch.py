"""Fetching against a real HTTP server on 127.0.0.1: retries, timeouts, caps, redirects,
conditional requests, per-host limits, provenance in the archive."""

from __future__ import annotations

import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipelines.collect import archive
from pipelines.collect.fetch import (
    Fetcher,
    FetchError,
    Policy,
    content_disposition_filename,
    encode_url,
    internal,
    off_site,
    site,
)

from support.portal import Portal, Route, serve

FAST = Policy(
    connect_timeout=2,
    read_timeout=0.5,
    total_timeout=10,
    retries=2,
    backoff=0.01,
    max_bytes=1024 * 1024,
    max_redirects=3,
    per_host=4,
    min_interval=0,
)
PDF = b"%PDF-1.4\n" + b"0" * 2000 + b"\n%%EOF\n"


@pytest.fixture
def portal():
    with serve() as p:
        yield p


def fetcher(tmp_path: Path, policy: Policy = FAST) -> Fetcher:
    return Fetcher(tmp_path / "raw", tmp_path / "state", policy, sleep=lambda s: None)


def provenance(tmp_path: Path) -> list[dict]:
    return archive.history(tmp_path / "raw")


def test_download_is_archived_once_with_provenance(portal: Portal, tmp_path):
    a = portal.add("/a.pdf", Route(PDF, content_type="application/pdf"))
    b = portal.add("/copy-of-a.pdf", Route(PDF, content_type="application/pdf"))
    f = fetcher(tmp_path)
    first, second = f.fetch(a, context={"body_id": "x", "year": 2023}), f.fetch(b)
    assert first.sha256 == second.sha256 == archive.sha256(PDF)
    assert archive.load(tmp_path / "raw", first.sha256) == PDF
    assert len(list((tmp_path / "raw" / "sha256").rglob("*"))) == 2  # one folder, one file
    record = provenance(tmp_path)[0]
    assert record["url"] == a and record["final_url"] == a and record["status"] == 200
    assert record["etag"] and record["last_modified"] == "Wed, 01 Feb 2024 08:00:00 GMT"
    assert record["content_type"] == "application/pdf" and record["body_id"] == "x"
    assert record["collected_at"] and record["bytes"] == len(PDF)


def test_unchanged_document_is_answered_304_and_not_downloaded_again(portal: Portal, tmp_path):
    url = portal.add("/r.html", Route(b"<html>report</html>"))
    by_date = portal.add("/d.html", Route(b"<html>dated</html>", etag=False))
    f = fetcher(tmp_path)
    f.fetch(url), f.fetch(by_date)
    portal.reset_log()
    again, dated = f.fetch(url), f.fetch(by_date)
    assert again.not_modified and dated.not_modified
    assert again.sha256 == archive.sha256(b"<html>report</html>")
    hits = portal.hits
    assert [h.status for h in hits] == [304, 304]
    assert hits[0].if_none_match and hits[1].if_modified_since == "Wed, 01 Feb 2024 08:00:00 GMT"
    assert sum(h.bytes_sent for h in hits) == 0
    assert [r["event"] for r in provenance(tmp_path)][-2:] == ["not_modified", "not_modified"]
    # changed on the server: downloaded again
    portal.routes["/r.html"].body = b"<html>corrected report</html>"
    assert f.fetch(url).status == 200
    # asked not to trust the validators: downloaded although unchanged
    portal.reset_log()
    assert f.fetch(by_date, conditional=False).status == 200
    assert portal.hits[0].if_modified_since is None


def test_404_is_not_retried(portal: Portal, tmp_path):
    with pytest.raises(FetchError) as e:
        fetcher(tmp_path).fetch(portal.url + "/gone.html")
    assert e.value.reason.startswith("404 页面不存在")
    assert len(portal.hits) == 1


def test_500_is_retried_a_bounded_number_of_times(portal: Portal, tmp_path):
    url = portal.add("/broken", Route(status=500))
    sleeps: list[float] = []
    f = Fetcher(tmp_path / "raw", tmp_path / "state", FAST, sleep=sleeps.append)
    with pytest.raises(FetchError) as e:
        f.fetch(url)
    assert e.value.reason == "服务器错误 500（已重试2次）"
    assert len(portal.hits) == 3 and e.value.attempts == 3
    assert sleeps == [0.01, 0.02]  # exponential backoff


def test_transient_500_then_success(portal: Portal, tmp_path):
    url = portal.add("/flaky", Route(b"<html>ok</html>", fail_first=2))
    fetched = fetcher(tmp_path).fetch(url)
    assert fetched.status == 200 and fetched.attempts == 3
    assert [h.status for h in portal.hits] == [500, 500, 200]


def test_hanging_response_hits_the_read_timeout(portal: Portal, tmp_path):
    url = portal.add("/hang", Route(b"<html>" + b"x" * 5000, hang=5))
    with pytest.raises(FetchError) as e:
        fetcher(tmp_path).fetch(url)
    assert e.value.reason.startswith("读取超时") and "已重试2次" in e.value.reason
    assert len(portal.hits_for("/hang")) == 3


@pytest.mark.parametrize("no_length", [False, True])
def test_oversized_body_is_refused(portal: Portal, tmp_path, no_length):
    url = portal.add("/huge.pdf", Route(PDF * 1000, no_length=no_length))
    with pytest.raises(FetchError) as e:
        fetcher(tmp_path).fetch(url)
    assert e.value.reason.startswith("文件过大") and "1MB" in e.value.reason
    assert len(portal.hits) == 1  # not retried
    assert not (tmp_path / "raw" / "sha256").exists()


def test_redirects_are_followed_loops_and_long_chains_refused(portal: Portal, tmp_path):
    portal.add("/old", Route(status=301, location="/older"))
    portal.add("/older", Route(status=302, location=portal.url + "/new.pdf"))
    portal.add("/new.pdf", Route(PDF))
    fetched = fetcher(tmp_path).fetch(portal.url + "/old")
    assert fetched.final_url == portal.url + "/new.pdf" and fetched.format == "pdf"

    portal.add("/loop-a", Route(status=302, location="/loop-b"))
    portal.add("/loop-b", Route(status=302, location="/loop-a"))
    with pytest.raises(FetchError) as e:
        fetcher(tmp_path).fetch(portal.url + "/loop-a")
    assert e.value.reason.startswith("网址重定向循环")

    for n in range(6):
        portal.add(f"/hop{n}", Route(status=302, location=f"/hop{n + 1}"))
    with pytest.raises(FetchError) as e:
        fetcher(tmp_path).fetch(portal.url + "/hop0")
    assert e.value.reason.startswith("重定向次数过多（超过3次）")


def test_meta_refresh_stub_is_followed(portal: Portal, tmp_path):
    portal.add("/stub.html", Route(b'<html><meta http-equiv="refresh" content="0;url=/r.pdf">'))
    portal.add("/r.pdf", Route(PDF))
    fetched = fetcher(tmp_path).fetch(portal.url + "/stub.html")
    assert fetched.final_url.endswith("/r.pdf") and fetched.format == "pdf"


def test_format_is_sniffed_and_attachment_names_kept(portal: Portal, tmp_path):
    raw_gbk = "2023年年报.pdf".encode("gbk").decode("latin-1")
    url = portal.add(
        "/download.jsp",
        Route(
            PDF,
            content_type="text/html",  # mislabelled, as portals do
            headers={"Content-Disposition": f'attachment; filename="{raw_gbk}"'},
        ),
    )
    fetched = fetcher(tmp_path).fetch(url)
    assert fetched.format == "pdf" and fetched.filename == "2023年年报.pdf"
    assert fetched.content_type == "text/html"
    assert (
        content_disposition_filename("attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.docx")
        == "年报.docx"
    )


def test_chinese_paths_are_percent_encoded(portal: Portal, tmp_path):
    encoded = encode_url(portal.url + "/附件/2023年报.pdf")
    assert encoded.isascii()
    portal.add(encoded.removeprefix(portal.url), Route(PDF))
    assert fetcher(tmp_path).fetch(portal.url + "/附件/2023年报.pdf").format == "pdf"


def test_per_host_concurrency_and_spacing(portal: Portal, tmp_path):
    for n in range(6):
        portal.add(f"/slow{n}", Route(f"<html>{n}</html>".encode(), delay=0.2))
    policy = Policy(**{**FAST.__dict__, "per_host": 2, "min_interval": 0.2})
    f = fetcher(tmp_path, policy)
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda n: f.fetch(f"{portal.url}/slow{n}"), range(6)))
    assert portal.max_in_flight <= 2
    # spaced by the fetcher; the server sees its requests up to a scheduling delay apart from
    # when they were sent (tens of ms on a loaded machine): unspaced, two would start at once
    starts = sorted(h.started for h in portal.hits)
    assert all(b - a >= 0.1 for a, b in itertools.pairwise(starts))
    assert f.requests_made == 6


def test_connection_refused_has_a_reason(tmp_path):
    with serve() as p:
        url = p.url + "/x"
    with pytest.raises(FetchError) as e:  # the server is gone: nothing listens there
        fetcher(tmp_path).fetch(url)
    assert e.value.reason.startswith("无法连接网站") and "已重试2次" in e.value.reason


def test_state_is_one_small_file_per_url(portal: Portal, tmp_path):
    url = portal.add("/r.html", Route(b"<html>r</html>"))
    fetcher(tmp_path).fetch(url)
    (state,) = (tmp_path / "state").rglob("*.json")
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["url"] == url and saved["etag"] and saved["sha256"]


@pytest.mark.parametrize("head_too", [False, True])
def test_trickling_server_is_stopped_at_the_total_time_limit(portal: Portal, tmp_path, head_too):
    """A byte every 0.2 s never trips the 0.5 s read timeout: only the 2 s limit on the whole
    download stops it (the body alone would take 40 s), and it is not tried again."""
    url = portal.add("/slow.pdf", Route(PDF[:200], trickle=0.2, trickle_head=head_too))
    policy = Policy(**{**FAST.__dict__, "total_timeout": 2})
    with pytest.raises(FetchError) as e:
        fetcher(tmp_path, policy).fetch(url)
    assert e.value.reason.startswith("下载超过总时限2秒仍未完成") and e.value.kind == "timeout"
    assert len(portal.hits) == 1
    assert portal.trickled < 200  # cut off, not read to the end and then judged
    assert not (tmp_path / "raw" / "sha256").exists()


@pytest.mark.parametrize("chunked", [False, True])
def test_download_cut_short_is_incomplete_and_not_stored(portal: Portal, tmp_path, chunked):
    url = portal.add("/cut.pdf", Route(PDF, cut_at=300, chunked=chunked))
    with pytest.raises(FetchError) as e:
        fetcher(tmp_path).fetch(url)
    expected = "分块传输中途断开" if chunked else f"应为{len(PDF)}字节"
    assert e.value.reason.startswith(f"下载不完整（收到300字节，{expected}）")
    assert "已重试2次" in e.value.reason and e.value.kind == "incomplete"
    assert not (tmp_path / "raw" / "sha256").exists()
    assert provenance(tmp_path) == []


def test_a_whole_chunked_body_downloads(portal: Portal, tmp_path):
    url = portal.add("/whole.pdf", Route(PDF * 3, chunked=True))
    assert fetcher(tmp_path).fetch(url).bytes == len(PDF) * 3


@pytest.fixture
def other():
    """Another server on 127.0.0.1, on another port: another site."""
    with serve() as p:
        p.add("/secret.pdf", Route(PDF))
        yield p


def test_redirects_and_stubs_to_another_host_are_refused(portal: Portal, other: Portal, tmp_path):
    elsewhere = other.url + "/secret.pdf"
    there = elsewhere.removeprefix("http://").split("/")[0]
    portal.add("/moved", Route(status=302, location=elsewhere))
    portal.add("/stub.html", Route(f'<meta http-equiv="refresh" content="0;url={elsewhere}">'.encode()))  # fmt: skip
    for path in ("/moved", "/stub.html"):
        with pytest.raises(FetchError) as e:
            fetcher(tmp_path).fetch(portal.url + path)
        assert e.value.reason.startswith(f"重定向到 {elsewhere}：不在该机关的网站上（{there}）")
        assert e.value.kind == "refused" and there in e.value.reason
    # allowed by the data office, yet an address inside the network: still refused
    policy = Policy(**{**FAST.__dict__, "allowed_hosts": (there,)})
    with pytest.raises(FetchError) as e:
        fetcher(tmp_path, policy).fetch(portal.url + "/moved")
    assert f"网站 {there} 的地址 127.0.0.1 是内网或本机地址" in e.value.reason
    assert other.hits == []  # the other server never got a request
    # a site the registry names is one the data office trusts, wherever it is
    assert fetcher(tmp_path).fetch(
        portal.url + "/moved", sites=frozenset({site(portal.url), there})
    )


def test_a_site_is_its_host_and_a_port_of_its_own():
    assert site("http://WWW.Yongan.gov.cn/a") == site("https://www.yongan.gov.cn:443/b")
    assert site("http://www.yongan.gov.cn:8080/") == "yongan.gov.cn:8080"
    assert site("www.yongan.gov.cn") == "yongan.gov.cn"  # as written in the settings
    assert site("http://yongan.gov.cn/") == site("http://www.yongan.gov.cn/")  # both answer
    assert site("http://xxgk.yongan.gov.cn/") != site("http://www.yongan.gov.cn/")
    assert site("http://127.0.0.1:5001/x") != site("http://127.0.0.1:5002/x")
    named = frozenset({site("www.yongan.gov.cn")})
    assert off_site("https://www.yongan.gov.cn/f.pdf", named, ()) is None
    assert off_site("http://cdn.example.cn/f.pdf", named, ("cdn.example.cn",)) is None
    refused = off_site("http://cdn.example.cn/f.pdf", named, ())
    assert refused and "cdn.example.cn" in refused and "fetch_allowed_hosts" in refused
    assert internal("169.254.169.254") and internal("10.0.0.8") and internal("::ffff:127.0.0.1")
    assert not internal("202.96.128.86")
