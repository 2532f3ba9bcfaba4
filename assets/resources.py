"""Configuration the assets share: where the registry is and where outputs go."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from xxgk import settings


class XxgkPaths(dg.ConfigurableResource):
    """Paths of one deployment. Defaults come from XXGK_DATA_DIR and XXGK_REGISTRY."""

    data_dir: str
    registry: str

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
    return XxgkPaths(data_dir=str(settings.data_dir()), registry=str(settings.registry_path()))
