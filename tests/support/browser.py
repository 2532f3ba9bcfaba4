"""Pages opened in headless Debian chromium (`publish/widget/test/browse.mjs` reports what
loaded, what failed and what was drawn, and does what a person does on a page): a directory's
pages from a loopback server, or the pages of a server already running on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from publish import serve

from support import ROOT

BROWSE = ROOT / "publish" / "widget" / "test" / "browse.mjs"


def browse(root: Path, pages: list[str], **options) -> list[dict]:
    """Open `pages` of the directory `root` in chromium; see browse.mjs for what is reported."""
    server = serve.start(root)
    try:
        return drive(f"http://127.0.0.1:{server.server_address[1]}", pages, **options)
    finally:
        server.shutdown()
        server.server_close()


def drive(origin: str, pages: list[str], **options) -> list[dict]:
    """Open `pages` of the loopback server `origin` in chromium (every other host blocked),
    with browse.mjs's options (`steps`: what a person does on each page)."""
    for need in (
        "/usr/bin/chromium",
        str(BROWSE.parent.parent / "node_modules" / "playwright-core"),
    ):
        if not Path(need).exists():
            pytest.skip(f"{need} missing: run `make setup`")
    args = {"origin": origin, "pages": pages, **options}
    done = subprocess.run(
        ["node", str(BROWSE), json.dumps(args)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)
