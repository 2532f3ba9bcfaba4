"""A real HTTP server on 127.0.0.1 standing in for government portals in tests.

Routes are set per path: a body with its headers, a status, a redirect, N server errors before
success, a hang (to hit the read timeout), a body sent without Content-Length, chunked, cut
short (fewer bytes than announced), or trickled a byte at a time (head too). Every request
is logged (path, validators sent, status answered) so tests can count what was transferred.
Loops are bounded: a hang waits on an event that the server's shutdown sets.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str | None = None  # for 3xx
    etag: bool = True  # answer with an ETag (and honour If-None-Match)
    last_modified: str | None = "Wed, 01 Feb 2024 08:00:00 GMT"
    headers: dict[str, str] = field(default_factory=dict)
    fail_first: int = 0  # answer 500 this many times, then normally
    hang: float = 0.0  # seconds to stall after the headers (read timeout)
    no_length: bool = False  # stream without Content-Length (close-delimited)
    delay: float = 0.0  # seconds before answering (to observe concurrency)
    chunked: bool = False  # Transfer-Encoding: chunked (4 KB chunks)
    cut_at: int | None = None  # send only this many bytes of the body, then close
    trickle: float = 0.0  # seconds between two bytes of the body (never a read timeout)
    trickle_head: bool = False  # the status line and headers too


@dataclass
class Hit:
    path: str
    status: int
    if_none_match: str | None
    if_modified_since: str | None
    started: float
    bytes_sent: int


class Portal:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.trickled = 0  # bytes of trickled answers actually written
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self.stop = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, path: str, route: Route | bytes) -> str:
        self.routes[path] = route if isinstance(route, Route) else Route(route)
        return self.url + path

    def hits_for(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def reset_log(self) -> None:
        with self._lock:
            self.hits.clear()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return type("Handler", (_Handler,), {"portal": self})


@contextmanager
def serve() -> Iterator[Portal]:
    portal = Portal()
    thread = threading.Thread(target=portal.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield portal
    finally:
        portal.stop.set()
        portal.server.shutdown()
        portal.server.server_close()
        thread.join(timeout=10)


# ---------------------------------------------------------------- portal content


def report(name: str, year: int, seed: int = 1):  # type: ignore[no-untyped-def]
    """A consistent synthetic report of the 2021 template (numbers invented)."""
    import random

    from testkit import demo

    # each year continues the year before (carried over, rules in force): consistent pairs
    body = demo.DemoBody("x", name, "department", (year,), "html")
    previous = demo.synthetic_report(body, year - 1, random.Random(seed), None)
    return demo.synthetic_report(body, year, random.Random(seed + year), previous)


def report_html(
    name: str, year: int, *, published_on: str | None = None, encoding: str = "utf-8"
) -> bytes:
    from testkit.demo import to_html

    preamble = f"发布日期：{published_on}" if published_on else ""
    return to_html(report(name, year), preamble=preamble, charset=encoding).encode(encoding)


def attachment_page(title: str, links: list[tuple[str, str]]) -> bytes:
    """A report page whose tables are only in attachments (详见附件)."""
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<h1>{title}</h1><p>详见附件。</p><ul>{items}</ul></body></html>"
    ).encode()


def listing_page(
    links: list[tuple[str, str]], *, next_href: str | None = None, encoding: str = "utf-8"
) -> bytes:
    """A 政府信息公开年报 column: one link per report, titles cut short as portals do (the
    full title in the `title` attribute)."""
    items = []
    for href, title in links:
        shown = title if len(title) <= 16 else title[:16] + "…"
        items.append(
            f'<li><a href="{href}" title="{title}">{shown}</a><span>2024-01-20</span></li>'
        )
    more = f'<a href="{next_href}">下一页</a>' if next_href else ""
    return (
        f"<html><head><meta charset='{encoding}'><title>政府信息公开年报</title></head><body>"
        f"<a href='/'>首页</a><a href='/xxgk/'>政府信息公开指南</a>"
        f"<ul>{''.join(items)}</ul>{more}</body></html>"
    ).encode(encoding)


def report_pdf(name: str, year: int) -> bytes:
    from testkit.render.layout import layout
    from testkit.render.pdf import write_pdf

    return write_pdf(layout(report(name, year)))


def report_docx(name: str, year: int) -> bytes:
    from testkit.render.docx import write_docx
    from testkit.render.layout import layout

    return write_docx(layout(report(name, year)))


class _Handler(BaseHTTPRequestHandler):
    """Answers each request as its route says; `portal` is set on the subclass made per self.portal."""

    portal: Portal

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # quiet test output
        pass

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        started = time.monotonic()
        path = self.path.split("?")[0]
        route = self.portal.routes.get(path)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        # in flight: from arrival until the answer starts (a client cannot send its
        # next request before it has read this answer)
        with self.portal._lock:
            self.portal.in_flight += 1
            self.portal.max_in_flight = max(self.portal.max_in_flight, self.portal.in_flight)
        try:
            status, headers, body = self._plan(route, path, inm, ims)
        finally:
            with self.portal._lock:
                self.portal.in_flight -= 1
        sent = 10 if route is not None and route.hang and status == 200 else len(body)
        # logged before answering: a client never sees an answer that is not logged
        with self.portal._lock:
            self.portal.hits.append(Hit(path, status, inm, ims, started, sent))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        plain = route is None or status != 200
        if not plain and route.no_length:
            self.send_header("Connection", "close")
            self.close_connection = True
        elif not plain and route.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        if plain:
            self.end_headers()
            self._send(body)
            return
        self._send_head(route)
        if route.hang:
            self.wfile.write(body[:10])
            self.wfile.flush()
            self.portal.stop.wait(route.hang)
            return
        self._send_body(route, body)

    def _send_head(self, route: Route) -> None:
        if not route.trickle_head:
            self.end_headers()
            return
        self._headers_buffer.append(b"\r\n")  # type: ignore[attr-defined]
        head = b"".join(self._headers_buffer)  # type: ignore[attr-defined]
        self._headers_buffer = []  # type: ignore[attr-defined]
        self._send(head, route.trickle)

    def _send_body(self, route: Route, body: bytes) -> None:
        if route.cut_at is not None:
            body = body[: route.cut_at]
            self.close_connection = True  # the answer ends here: the client sees it cut
        if not route.chunked:
            self._send(body, route.trickle)
            return
        for i in range(0, len(body), 4096):
            piece = body[i : i + 4096]
            self._send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n", route.trickle)
        if route.cut_at is None:
            self._send(b"0\r\n\r\n")

    def _send(self, data: bytes, trickle: float = 0.0) -> None:
        """`data` in 64 KB writes, or a byte at a time `trickle` seconds apart (until the
        client goes or the server stops)."""
        step = 1 if trickle else 65536
        try:
            for i in range(0, len(data), step):
                self.wfile.write(data[i : i + step])
                if trickle:
                    self.wfile.flush()
                    with self.portal._lock:
                        self.portal.trickled += 1
                    if self.portal.stop.wait(trickle):
                        return
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (size cap, time limit): expected

    def _plan(
        self, route: Route | None, path: str, inm: str | None, ims: str | None
    ) -> tuple[int, dict[str, str], bytes]:
        plain = {"Content-Type": "text/plain"}
        if route is None:
            return 404, plain, b"not found"
        if route.delay:
            self.portal.stop.wait(route.delay)
        with self.portal._lock:
            failed = self.portal._failures.get(path, 0)
            fail = failed < route.fail_first
            if fail:
                self.portal._failures[path] = failed + 1
        if fail:
            return 500, plain, b"server error"
        if route.status >= 400:
            return route.status, plain, b"error"
        if route.location is not None:
            return route.status, {"Location": route.location}, b""
        etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
        fresh = (route.etag and inm == etag) or (
            not route.etag and route.last_modified and ims == route.last_modified
        )
        headers = {"ETag": etag} if route.etag else {}
        if fresh:
            return 304, headers, b""
        headers["Content-Type"] = route.content_type
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        return 200, {**headers, **route.headers}, route.body
