"""pytest set-up shared by every test folder; helpers live in `tests/support/`."""

from __future__ import annotations

import os

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
