"""Configuration the assets share: where the registry is and where outputs go."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg

from pipelines import datadir
from pipelines.collect.fetch import Policy
from pipelines.registry.model import DEFAULT_FIRST_YEAR


class XxgkPaths(dg.ConfigurableResource):
    """Paths of one deployment. Defaults come from XXGK_DATA_DIR and XXGK_REGISTRY."""

    data_dir: str
    registry: str
    # Bodies registered without a year are expected to report from this year on.
    first_year: int = DEFAULT_FIRST_YEAR
    # Politeness towards portals (small servers): requests in flight and seconds between two
    # requests to one host; retries on server errors and timeouts, the first after
    # `fetch_backoff` seconds, then doubling.
    fetch_per_host: int = 2
    fetch_min_interval: float = 1.0
    fetch_retries: int = 3
    fetch_backoff: float = 2.0
    fetch_connect_timeout: float = 10.0
    fetch_read_timeout: float = 30.0
    fetch_max_mb: int = 50

    # Run as if today were this date (YYYY-MM-DD): which years are due, the coverage ledger.
    # Empty: today. For re-running a past day and for tests.
    as_of: str = ""

    def today(self) -> date:
        return date.fromisoformat(self.as_of) if self.as_of else date.today()

    def fetch_policy(self) -> Policy:
        return Policy(
            connect_timeout=self.fetch_connect_timeout,
            read_timeout=self.fetch_read_timeout,
            retries=self.fetch_retries,
            backoff=self.fetch_backoff,
            max_bytes=self.fetch_max_mb * 1024 * 1024,
            per_host=self.fetch_per_host,
            min_interval=self.fetch_min_interval,
        )

    @property
    def inbox(self) -> Path:
        """Where the data office drops reports received by other means."""
        return Path(self.data_dir) / "inbox"

    @property
    def fetch_state(self) -> Path:
        """ETag / Last-Modified of every URL fetched, for conditional requests."""
        return Path(self.data_dir) / "state" / "fetch"

    @property
    def coverage_ledger(self) -> Path:
        return Path(self.data_dir) / "state" / "coverage"

    @property
    def registry_path(self) -> Path:
        return Path(self.registry)

    @property
    def archive(self) -> Path:
        return Path(self.data_dir) / "raw"

    @property
    def parse_cache(self) -> Path:
        return Path(self.data_dir) / "parsed"

    @property
    def warehouse_path(self) -> Path:
        return Path(self.data_dir) / "warehouse" / "xxgk.duckdb"

    @property
    def releases(self) -> Path:
        return Path(self.data_dir) / "releases"


def default_paths() -> XxgkPaths:
    return XxgkPaths(data_dir=str(datadir.data_dir()), registry=str(datadir.registry_path()))
