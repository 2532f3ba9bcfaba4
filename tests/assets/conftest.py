"""A real `dagster dev` for the tests of this folder that drive the UI's GraphQL API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.dagster import Server, dagster_dev


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with dagster_dev(tmp_path_factory.mktemp("dagster")) as srv:
        yield srv
