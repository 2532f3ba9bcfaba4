"""Running the whole asset graph in-process on a corpus, and changing the corpus between runs."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import dagster as dg

from assets.definitions import ALL_ASSETS, ALL_CHECKS
from assets.resources import XxgkPaths

from support import DEMO

INDUSTRY = "yongan-industry-it-bureau"


def release_run(
    data: Path,
    registry: Path = DEMO / "registry.csv",
    *,
    raise_on_error: bool = True,
    **config: Any,
) -> dg.ExecuteInProcessResult:
    """The whole asset graph, as the UI runs it, with the release asset's launch config."""
    result = dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS],
        resources={"paths": XxgkPaths(data_dir=str(data), registry=str(registry))},
        run_config={"ops": {"release": {"config": config}}} if config else None,
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=raise_on_error,
    )
    if raise_on_error:
        assert result.success
    return result


def copy_corpus(tmp: Path) -> Path:
    corpus = tmp / "corpus"
    shutil.copytree(DEMO, corpus)
    return corpus


def change_licensing(corpus: Path, value: int) -> None:
    """A correction in the real report: 行政许可 decisions 8 → value."""
    doc = corpus / "documents" / f"{INDUSTRY}-2023.txt"
    text = doc.read_text(encoding="utf-8")
    assert "行政许可\t8" in text
    doc.write_text(text.replace("行政许可\t8", f"行政许可\t{value}"), encoding="utf-8")


def add_body_year(corpus: Path) -> None:
    """New data: one more registry row (its document is not there yet, status `missing`)."""
    registry = corpus / "registry.csv"
    row = (
        "yongan-education-bureau,永安市教育局,永安市,350481,department,yongan-city-government,"
        "2024,documents/yongan-education-bureau-2024.html,true\n"
    )
    registry.write_text(registry.read_text(encoding="utf-8") + row, encoding="utf-8")


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
