"""The deployment's settings as a Dagster resource: where the registry is, where outputs go,
how politely to fetch. Defaults are the pipeline's own (`pipelines.collect.fetch.Policy`)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import dagster as dg
from pydantic import Field

from pipelines import datadir
from pipelines.collect.fetch import Policy
from pipelines.files import MB
from pipelines.registry.model import DEFAULT_FIRST_YEAR
from pipelines.run import Settings

_POLICY = Policy()


class XxgkPaths(dg.ConfigurableResource):
    """Paths of one deployment. Defaults come from XXGK_DATA_DIR, XXGK_REGISTRY,
    XXGK_LOCAL_DIRS and XXGK_CORRECTIONS."""

    data_dir: str
    registry: str
    # Bodies registered without a year are expected to report from this year on.
    first_year: int = DEFAULT_FIRST_YEAR
    # Politeness towards portals (small servers): requests in flight and seconds between two
    # requests to one host; retries on server errors and timeouts, the first after
    # `fetch_backoff` seconds, then doubling.
    fetch_per_host: int = _POLICY.per_host
    fetch_min_interval: float = _POLICY.min_interval
    fetch_retries: int = _POLICY.retries
    fetch_backoff: float = _POLICY.backoff
    fetch_connect_timeout: float = _POLICY.connect_timeout
    fetch_read_timeout: float = _POLICY.read_timeout
    # Seconds one download may take on the wire, all its attempts and redirects together.
    fetch_total_timeout: float = _POLICY.total_timeout
    fetch_max_mb: int = _POLICY.max_bytes // MB
    # Sites besides those of a body's registry URLs its documents may come from, as
    # "host" or "host:port" (e.g. a province's shared file server); links and redirects
    # anywhere else are refused. Never an address inside the network.
    fetch_allowed_hosts: list[str] = Field(default_factory=list)
    # Processes reading documents at once (0: every core).
    read_workers: int = 0
    # Run as if today were this date (YYYY-MM-DD): which years are due, the coverage ledger.
    # Empty: today. For re-running a past day and for tests.
    as_of: str = ""
    # Folders besides the registry's own that a registry `source` path may point into: absolute
    # paths, separated by ":" (as in PATH). A path resolving anywhere else (`../`, an absolute
    # path, a symlink) is refused, and the entry's reason says so.
    local_dirs: str = ""
    # The data office's corrections file (CSV or Excel). Empty: corrections.csv in the data
    # directory.
    corrections: str = ""

    def settings(self) -> Settings:
        return Settings(
            data=datadir.DataDir(Path(self.data_dir)),
            registry=Path(self.registry),
            first_year=self.first_year,
            fetch=Policy(
                connect_timeout=self.fetch_connect_timeout,
                read_timeout=self.fetch_read_timeout,
                total_timeout=self.fetch_total_timeout,
                retries=self.fetch_retries,
                backoff=self.fetch_backoff,
                max_bytes=self.fetch_max_mb * MB,
                per_host=self.fetch_per_host,
                min_interval=self.fetch_min_interval,
                allowed_hosts=tuple(self.fetch_allowed_hosts or ()),
            ),
            as_of=date.fromisoformat(self.as_of) if self.as_of else None,
            read_workers=self.read_workers,
            local_dirs=tuple(Path(d) for d in self.local_dirs.split(os.pathsep) if d),
            corrections=Path(self.corrections) if self.corrections else None,
        )

    @property
    def data(self) -> datadir.DataDir:
        return datadir.DataDir(Path(self.data_dir))


def default_paths() -> XxgkPaths:
    return XxgkPaths(
        data_dir=str(datadir.data_dir()),
        registry=str(datadir.registry_path()),
        read_workers=int(os.environ.get("XXGK_READ_WORKERS", "0")),
        local_dirs=os.environ.get("XXGK_LOCAL_DIRS", ""),
        corrections=os.environ.get("XXGK_CORRECTIONS", ""),
    )
