"""Downloading from government portals, politely and with reasons a clerk understands.

- connect and read timeouts, and a total time limit per download (all its attempts and
  redirects) that a server trickling one byte at a time cannot stretch;
- only the body's own site(s): a redirect or link to another host is refused, and so is an
  address inside the network (loopback, private, link-local) unless the registry names it;
- bounded retries with exponential backoff on server errors (5xx), timeouts and dropped
  connections, never on 4xx (the page is not there: asking again will not help);
- per-host concurrency and rate limits (portals are small servers);
- conditional requests: the ETag / Last-Modified of each URL are remembered in the data dir,
  so an unchanged document is answered 304 and neither downloaded nor re-parsed;
- a size cap, a redirect cap (loops detected), <meta refresh> pages followed;
- a download cut short (fewer bytes than Content-Length, a chunked body that stops) is
  neither stored nor taken for the document;
- the format is sniffed from the bytes, not the Content-Type; Content-Disposition file names
  are kept;
- every document downloaded is stored once by sha256 in the raw archive, with its provenance.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import ipaddress
import json
import re
import socket
import ssl
import threading
import time
import urllib.parse
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any

from pipelines.collect import archive
from pipelines.datadir import atomic_write
from pipelines.files import MAX_DOCUMENT_BYTES, MB, sniff

USER_AGENT = "xxgk/0.2 (open data from government disclosure reports)"
REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class Policy:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # silence between two reads
    total_timeout: float = 300.0  # one download on the wire, however slowly it trickles
    retries: int = 3  # further attempts after the first, on 5xx / timeouts / dropped links
    backoff: float = 2.0  # seconds before the first retry, doubled each time
    max_bytes: int = MAX_DOCUMENT_BYTES
    max_redirects: int = 5
    per_host: int = 2  # requests in flight to one host
    min_interval: float = 1.0  # seconds between two requests to one host
    # sites besides the registry's own a body's documents may come from ("host" or "host:port")
    allowed_hosts: tuple[str, ...] = ()


@dataclass
class Fetched:
    url: str
    final_url: str
    status: int  # 200, or 304 when the copy we have is still current
    sha256: str
    bytes: int
    format: str  # sniffed from the bytes
    content_type: str | None = None
    filename: str | None = None  # from Content-Disposition
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str = ""
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(Exception):
    """A URL that could not be had; `reason` is for the data office."""

    def __init__(self, reason: str, *, kind: str, status: int | None = None, attempts: int = 1):
        super().__init__(reason)
        self.reason = reason
        # timeout, connection, incomplete, http, too_large, redirects, bad_url, refused
        self.kind = kind
        self.status = status
        self.attempts = attempts


class _Retry(Exception):
    def __init__(self, error: FetchError) -> None:
        self.error = error


class HostLimits:
    """At most `per_host` requests in flight to one host, starting `min_interval` apart."""

    def __init__(self, per_host: int, min_interval: float) -> None:
        self.per_host = per_host
        self.min_interval = min_interval
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.Semaphore(self.per_host))
        with semaphore:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self.min_interval
            time.sleep(max(0.0, start - now))
            yield


def encode_url(url: str) -> str:
    """Portals link Chinese file names unescaped (附件/2023年报.pdf): percent-encode them."""
    parts = urllib.parse.urlsplit(url.strip())
    path = urllib.parse.quote(parts.path, safe="/%:@!$&'()*+,;=-._~")
    query = urllib.parse.quote(parts.query, safe="=&%:@!$'()*+,;/?-._~")
    host = parts.hostname or ""
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        host = host.encode("idna").decode("ascii")
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, path or "/", query, ""))


_DEFAULT_PORTS = {"http": 80, "https": 443}


def site(url: str) -> str:
    """The site of a URL (or of a bare "host[:port]"): its host, with the port when it is not
    the scheme's own, so that http://a.gov.cn and https://a.gov.cn are one site and
    http://a.gov.cn:8080 another. www.a.gov.cn is a.gov.cn: portals answer at both and
    redirect from one to the other."""
    parts = urllib.parse.urlsplit(url.strip() if "://" in url else f"http://{url.strip()}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host.isascii():
        host = host.encode("idna").decode("ascii")
    try:
        port = parts.port
    except ValueError:  # not a number: no request reaches it either
        port = None
    shown = f"[{host}]" if ":" in host else host
    return shown if port in (None, _DEFAULT_PORTS.get(parts.scheme)) else f"{shown}:{port}"


def off_site(url: str, named: frozenset[str], allowed: tuple[str, ...]) -> str | None:
    """Why `url` may not be fetched for a body whose registry URLs are on the sites `named`,
    with the data office also allowing `allowed` (None: it may)."""
    here = site(url)
    if here in named or here in {site(a) for a in allowed}:
        return None
    own = "、".join(sorted(named))
    also = f"及允许的网站 {'、'.join(allowed)}" if allowed else ""
    return (
        f"不在该机关的网站上（{here}），已拒绝：只从登记表中该机关的网站 {own}{also} 下载"
        f"（如确属该机关，请把 {here} 加入设置 fetch_allowed_hosts）"
    )


def internal(address: str) -> bool:
    """An address inside the network (loopback, private, link-local…), not on the internet."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def content_disposition_filename(value: str | None) -> str | None:
    """The file name of an attachment, RFC 6266 `filename*` first; portals also send raw GBK
    or UTF-8 bytes in `filename`, which http.client hands over as latin-1."""
    if not value:
        return None
    star = re.search(r"filename\*\s*=\s*([^']*)'[^']*'([^;]+)", value, re.I)
    if star:
        charset = star.group(1) or "utf-8"
        try:
            return urllib.parse.unquote(star.group(2).strip().strip('"'), encoding=charset)
        except LookupError:
            pass
    plain = re.search(r'filename\s*=\s*"?([^";]+)"?', value, re.I)
    if not plain:
        return None
    name = urllib.parse.unquote(plain.group(1).strip())
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return name


_META_REFRESH = re.compile(
    rb"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["']?\s*\d*\s*;?\s*url\s*=\s*([^"'>\s]+)""",
    re.I,
)


def meta_refresh(data: bytes) -> str | None:
    """The target of a `<meta http-equiv="refresh" content="0;url=…">` stub page."""
    if len(data) > 8192:
        return None  # a real page that happens to refresh itself, not a redirect stub
    match = _META_REFRESH.search(data)
    return match.group(1).decode("ascii", "replace") if match else None


def _http_reason(status: int, attempts: int) -> str:
    if status == 404:
        return "404 页面不存在（网址可能已失效）"
    if status == 410:
        return "410 页面已被删除"
    if status in (401, 403):
        return f"{status} 网站拒绝访问（可能需要登录或屏蔽了程序访问）"
    if status == 429:
        return "429 访问过于频繁，网站拒绝了请求"
    if status >= 500:
        again = f"（已重试{attempts - 1}次）" if attempts > 1 else ""
        return f"服务器错误 {status}{again}"
    return f"网站返回错误 HTTP {status}"


def _incomplete(received: int, expected: int | None) -> FetchError:
    of = f"应为{expected}字节" if expected is not None else "分块传输中途断开"
    return FetchError(
        f"下载不完整（收到{received}字节，{of}），连接中途断开，文件没有保存", kind="incomplete"
    )


class _Clock:
    """Seconds left for one download on the wire, all its attempts and redirects together;
    waiting for a turn at a busy host and the pauses between retries do not count."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds

    @contextmanager
    def running(self) -> Iterator[float]:
        started = time.monotonic()
        try:
            yield self.left
        finally:
            self.left -= time.monotonic() - started


class _Cutoff:
    """Shuts a connection's socket when its time is up. A server trickling a byte a second
    never trips the read timeout, so only a clock outside the reads can stop it."""

    def __init__(self, conn: http.client.HTTPConnection, seconds: float) -> None:
        self.conn = conn
        self.fired = False
        self._timer = threading.Timer(max(0.0, seconds), self._cut)
        self._timer.daemon = True
        self._timer.start()

    def _cut(self) -> None:
        self.fired = True
        sock = self.conn.sock
        if sock is not None:
            with suppress(OSError):  # already closed
                # the plain socket's shutdown: SSLSocket's would unwrap it under the reader
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


@dataclass(frozen=True)
class _Call:
    """One request to send."""

    parts: urllib.parse.SplitResult
    host: str
    target: str
    headers: dict[str, str]
    url: str
    trusted: bool  # on a site the registry names: may be inside the network


@dataclass
class _Response:
    status: int
    headers: Message
    body: bytes
    url: str


@dataclass
class Fetcher:
    """Downloads into the raw archive; remembers validators per URL under `state_root`."""

    archive_root: Path
    state_root: Path
    policy: Policy = field(default_factory=Policy)
    sleep: Callable[[float], None] = time.sleep
    limits: HostLimits | None = None
    requests_made: int = 0  # HTTP requests sent (every attempt and redirect hop)

    def __post_init__(self) -> None:
        if self.limits is None:
            self.limits = HostLimits(self.policy.per_host, self.policy.min_interval)
        self._count_lock = threading.Lock()

    # -- remembered validators -------------------------------------------------------------

    def _state_path(self, url: str) -> Path:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.state_root / key[:2] / f"{key}.json"

    def remembered(self, url: str) -> dict[str, Any] | None:
        path = self._state_path(url)
        if not path.exists():
            return None
        state = json.loads(path.read_text(encoding="utf-8"))
        # a validator is only worth sending if we still have the bytes it stands for
        if not archive.path_for(self.archive_root, state["sha256"]).exists():
            return None
        return state

    def _remember(self, fetched: Fetched) -> None:
        atomic_write(self._state_path(fetched.url), json.dumps(asdict(fetched), ensure_ascii=False))

    # -- fetching --------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        conditional: bool = True,
        context: dict[str, Any] | None = None,
        sites: frozenset[str] | None = None,
    ) -> Fetched:
        """The document at `url`, from the network or (304) from the archive. `sites` are
        the body's own sites, those of its registry URLs (None: the site of `url`): the
        document, its redirects and stubs must be on them or on the allowed hosts.

        Raises FetchError with a reason in Chinese."""
        if not url.lower().startswith(("http://", "https://")):
            raise FetchError(f"不是网址：{url}", kind="bad_url")
        state = self.remembered(url) if conditional else None
        named = sites or frozenset({site(url)})
        clock = _Clock(self.policy.total_timeout)
        attempts = 0
        while True:
            attempts += 1
            try:
                response = self._follow(url, state, named, clock)
                break
            except _Retry as retry:
                if attempts > self.policy.retries:
                    error = retry.error
                    raise FetchError(
                        self._final_reason(error, attempts),
                        kind=error.kind,
                        status=error.status,
                        attempts=attempts,
                    ) from None
                self.sleep(self.policy.backoff * 2 ** (attempts - 1))
            except FetchError as e:
                e.attempts = attempts
                raise
        now = datetime.now(UTC).isoformat(timespec="seconds")
        if response.status == 304 and state is not None:
            fetched = Fetched(
                **{
                    **state,
                    "status": 304,
                    "final_url": response.url,
                    "fetched_at": now,
                    "attempts": attempts,
                }
            )
            self._record(fetched, context, "not_modified")
            return fetched
        data = response.body
        digest = archive.store(self.archive_root, data)
        headers = response.headers
        fetched = Fetched(
            url=url,
            final_url=response.url,
            status=response.status,
            sha256=digest,
            bytes=len(data),
            format=sniff(data),
            content_type=headers.get("Content-Type"),
            filename=content_disposition_filename(headers.get("Content-Disposition")),
            etag=headers.get("ETag"),
            last_modified=headers.get("Last-Modified"),
            fetched_at=now,
            attempts=attempts,
        )
        self._record(fetched, context, "downloaded")
        if fetched.etag or fetched.last_modified:
            self._remember(fetched)
        return fetched

    def _final_reason(self, error: FetchError, attempts: int) -> str:
        if error.kind == "http" and error.status is not None:
            return _http_reason(error.status, attempts)
        return f"{error.reason}（已重试{attempts - 1}次）" if attempts > 1 else error.reason

    def _record(self, fetched: Fetched, context: dict[str, Any] | None, event: str) -> None:
        archive.record(
            self.archive_root,
            {
                "event": event,
                "sha256": fetched.sha256,
                "url": fetched.url,
                "final_url": fetched.final_url,
                "status": fetched.status,
                "etag": fetched.etag,
                "last_modified": fetched.last_modified,
                "content_type": fetched.content_type,
                "filename": fetched.filename,
                "bytes": fetched.bytes,
                "collected_at": fetched.fetched_at,
                **(context or {}),
            },
        )

    def _follow(
        self, url: str, state: dict[str, Any] | None, named: frozenset[str], clock: _Clock
    ) -> _Response:
        """One attempt: the request and its redirects."""
        seen = [url]
        current = url
        for _ in range(self.policy.max_redirects + 1):
            validators = state  # sent on every hop: the last one answers 304 or 200
            response = self._request(current, validators, named, clock, first=current == url)
            target = None
            if response.status in REDIRECTS:
                target = response.headers.get("Location")
                if not target:
                    raise FetchError(
                        f"网站返回重定向 {response.status} 却没有给出新地址", kind="http"
                    )
            elif response.status == 200 and sniff(response.body) == "html":
                target = meta_refresh(response.body)
            if target is None:
                if response.status == 304 and validators is None:
                    raise FetchError("网站返回 304 但本地没有该文件的副本", kind="http")
                return response
            current = urllib.parse.urljoin(current, target)
            if current in seen:
                raise FetchError(
                    f"网址重定向循环（{' → '.join([*seen, current])}）", kind="redirects"
                )
            seen.append(current)
        raise FetchError(
            f"重定向次数过多（超过{self.policy.max_redirects}次）：{' → '.join(seen)}",
            kind="redirects",
        )

    def _request(
        self,
        url: str,
        validators: dict[str, Any] | None,
        named: frozenset[str],
        clock: _Clock,
        *,
        first: bool,
    ) -> _Response:
        parts = urllib.parse.urlsplit(encode_url(url))
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or not host:
            raise FetchError(f"网址格式不对：{url}", kind="bad_url")
        refused = off_site(url, named, self.policy.allowed_hosts)
        if refused:  # checked before any connection: the other host never hears from us
            where = "" if first else f"重定向到 {url}："
            raise FetchError(where + refused, kind="refused")
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "*/*",
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",
        }
        if validators:
            if validators.get("etag"):
                headers["If-None-Match"] = validators["etag"]
            if validators.get("last_modified"):
                headers["If-Modified-Since"] = validators["last_modified"]
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        assert self.limits is not None
        with self.limits.slot(f"{parts.scheme}://{parts.netloc}"):
            with self._count_lock:
                self.requests_made += 1
            with clock.running() as left:
                if left <= 0:
                    raise FetchError(self._overtime(), kind="timeout")
                call = _Call(parts, host, target, headers, url, trusted=site(url) in named)
                return self._exchange(call, left)

    def _overtime(self) -> str:
        return (
            f"下载超过总时限{self.policy.total_timeout:g}秒仍未完成（网站发送太慢），已放弃"
            "（设置 fetch_total_timeout）"
        )

    def _exchange(self, call: _Call, left: float) -> _Response:
        """One request on its own connection, cut off when `left` seconds are up."""
        timeout = min(self.policy.connect_timeout, left)
        if call.parts.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                call.host, call.parts.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            conn = http.client.HTTPConnection(call.host, call.parts.port, timeout=timeout)
        cutoff = _Cutoff(conn, left)
        try:
            response = None
            try:
                self._connect(conn, call.host, timeout)
                if not cutoff.fired:  # else it fired before the socket existed: no cut
                    self._check_address(conn, call)
                    response = self._converse(conn, call)
            except (_Retry, FetchError):
                if not cutoff.fired:
                    raise
            # a cut body may look whole (no Content-Length): the clock decides
            if cutoff.fired or response is None:
                raise FetchError(self._overtime(), kind="timeout")
            return response
        finally:
            cutoff.cancel()
            conn.close()

    def _connect(self, conn: http.client.HTTPConnection, host: str, timeout: float) -> None:
        try:
            conn.connect()
        except TimeoutError:
            raise _Retry(
                FetchError(f"连接超时（{timeout:g}秒内连不上网站）", kind="timeout")
            ) from None
        except socket.gaierror:
            raise FetchError(f"找不到网站（域名 {host} 无法解析）", kind="connection") from None
        except ssl.SSLError as e:
            raise FetchError(
                f"网站的 HTTPS 证书无效或加密连接失败（{e.reason}）", kind="connection"
            ) from None
        except OSError as e:
            raise _Retry(
                FetchError(f"无法连接网站（{e.strerror or e}）", kind="connection")
            ) from None

    def _check_address(self, conn: http.client.HTTPConnection, call: _Call) -> None:
        """A host the registry does not name must be on the internet: a name that resolves
        inside the network must not open it to a portal (before any request is sent)."""
        assert conn.sock is not None
        address = conn.sock.getpeername()[0]
        if not call.trusted and internal(address):
            raise FetchError(
                f"网站 {site(call.url)} 的地址 {address} 是内网或本机地址，已拒绝访问"
                "（只有登记表中写明的网站可以在内网）",
                kind="refused",
            )

    def _converse(self, conn: http.client.HTTPConnection, call: _Call) -> _Response:
        p = self.policy
        assert conn.sock is not None
        conn.sock.settimeout(p.read_timeout)
        try:
            conn.request("GET", call.target, headers=call.headers)
            response = conn.getresponse()
            status = response.status
            if status >= 500:
                raise _Retry(FetchError(_http_reason(status, 1), kind="http", status=status))
            if status >= 400:
                raise FetchError(_http_reason(status, 1), kind="http", status=status)
            body = b"" if status in REDIRECTS or status == 304 else self._read(response)
        except TimeoutError:
            raise _Retry(
                FetchError(
                    f"读取超时（网站{p.read_timeout:g}秒没有响应或中途停止发送）",
                    kind="timeout",
                )
            ) from None
        except (OSError, http.client.HTTPException) as e:  # dropped, reset, TLS cut short
            raise _Retry(
                FetchError(f"连接中断（{type(e).__name__}），文件没有下载完整", kind="connection")
            ) from None
        return _Response(status, response.headers, body, call.url)

    def _read(self, response: http.client.HTTPResponse) -> bytes:
        p = self.policy
        cap_mb = f"{p.max_bytes / MB:g}MB"
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > p.max_bytes:
            raise FetchError(
                f"文件过大（{int(length) / MB:.1f}MB，超过上限{cap_mb}），可能不是年度报告",
                kind="too_large",
            )
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := response.read(65536):
                size += len(chunk)
                if size > p.max_bytes:
                    raise FetchError(
                        f"文件过大（超过上限{cap_mb}），可能不是年度报告", kind="too_large"
                    )
                chunks.append(chunk)
        except http.client.IncompleteRead as e:  # a chunked body that stops before its end
            raise _Retry(_incomplete(size + len(e.partial), None)) from None
        if response.length:  # http.client counts down Content-Length: bytes never sent
            raise _Retry(_incomplete(size, size + response.length))
        data = b"".join(chunks)
        encoding = (response.getheader("Content-Encoding") or "").lower()
        if encoding in ("gzip", "deflate"):
            data = self._inflate(data, encoding)
        return data

    def _inflate(self, data: bytes, encoding: str) -> bytes:
        cap = self.policy.max_bytes
        try:
            if encoding == "gzip":
                with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
                    out = f.read(cap + 1)
            else:
                out = zlib.decompressobj().decompress(data, cap + 1)
        except (OSError, zlib.error, EOFError):
            raise _Retry(
                FetchError("网站发送的压缩数据损坏，文件没有下载完整", kind="connection")
            ) from None
        if len(out) > cap:
            raise FetchError(
                f"文件过大（解压后超过上限{cap / MB:g}MB），可能不是年度报告", kind="too_large"
            )
        return out
