"""A small static file server for the releases directory: answers HTTP Range requests (the
widget reads Parquet files in parts) and sends CORS headers (a portal on another host embeds the
widget). `python -m http.server` does neither. For previews and tests; a portal serves the
same files with its own web server (which should not serve dot names either: they are what a
run is still writing).
"""

from __future__ import annotations

import os
import re
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
# Every text file of a release is UTF-8: said in the Content-Type, or a browser shows README.md
# and CHANGELOG.md as mojibake. Markdown is sent as text/markdown (the platform's table may lack it).
TYPES = {".md": "text/markdown", ".csv": "text/csv", ".json": "application/json"}
UTF8_TYPES = ("text/", "application/json", "application/javascript")


class RangeHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet in tests and previews
        pass

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Headers", "Range")
        self.send_header("Access-Control-Expose-Headers", "Content-Length, Content-Range")
        self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def guess_type(self, path) -> str:  # type: ignore[no-untyped-def]
        kind = TYPES.get(Path(str(path)).suffix.lower()) or super().guess_type(path)
        return content_type(kind)

    def do_OPTIONS(self) -> None:  # CORS preflight of a ranged fetch from another origin
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.end_headers()

    def send_head(self):  # type: ignore[no-untyped-def]
        if hidden(self.path):  # a staging directory, a temporary file: never served
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        match = RANGE.match(self.headers.get("Range", "").strip())
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        first, last = match.groups()
        if first == "":  # the last N bytes
            start, end = max(0, size - int(last or 0)), size - 1
        else:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        if start >= size or start > end:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        f = path.open("rb")
        f.seek(start)
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self._remaining = end - start + 1
        return f

    def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
        remaining = getattr(self, "_remaining", None)
        if remaining is None:
            return super().copyfile(source, outputfile)
        while remaining > 0 and (block := source.read(min(remaining, 1 << 16))):
            outputfile.write(block)
            remaining -= len(block)
        self._remaining = None


def content_type(kind: str) -> str:
    """A text type with its charset (the files are UTF-8); any other type as it is."""
    if kind.startswith(UTF8_TYPES) and "charset" not in kind:
        return f"{kind}; charset=utf-8"
    return kind


def hidden(url_path: str) -> bool:
    """Whether a request names a dot file or folder (what a run is still writing or left)."""
    path = unquote(urlsplit(url_path).path)
    return any(part.startswith(".") for part in path.split("/"))


def server(root: Path, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A server of `root` (not yet serving); `server.server_address` has the port."""
    return ThreadingHTTPServer((host, port), partial(RangeHandler, directory=os.fspath(root)))


def start(root: Path, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Serve `root` in a background thread (tests)."""
    running = server(root, host, port)
    threading.Thread(target=running.serve_forever, daemon=True).start()
    return running
