"""`xxgk parse FILE --json` gives the contract JSON of the spec, cell for cell."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from xxgk.cli import main

from support import SEED, SEED_EXPECTED, cell_diff, load_json, shared


def parse_json(path, capsys) -> dict:
    assert main(["parse", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_seed_equals_expected_in_every_cell(capsys):
    got = parse_json(SEED, capsys)
    assert cell_diff(load_json(SEED_EXPECTED), got) == []
    assert got["findings"] == [] or all(f["severity"] == "info" for f in got["findings"])


def test_seed_in_shared_equals_shared_expected(capsys):
    seed = shared("fixtures", "seed", "yongan-industry-it-bureau-2023.txt")
    expected = shared("fixtures", "expected", "yongan-industry-it-bureau-2023.json")
    assert seed.read_bytes() == SEED.read_bytes(), "the demo copy of the seed drifted"
    assert cell_diff(load_json(expected), parse_json(seed, capsys)) == []


def test_contract_shape_has_every_key_of_the_template(capsys):
    got = parse_json(SEED, capsys)
    assert set(got) == {
        "agency",
        "year",
        "template",
        "proactive",
        "applications",
        "reviews_litigation",
        "findings",
    }
    assert len(got["applications"]) == 25
    assert all(len(cells) == 7 for cells in got["applications"].values())
    assert all(len(cells) == 5 for cells in got["reviews_litigation"].values())
    for f in got["findings"]:
        assert set(f) == {"rule", "severity", "message", "cells"}


@pytest.mark.parametrize(
    "name", ["shanghai-municipal-office-2019.html", "huaian-city-government-2024.pdf"]
)
def test_real_reports_equal_hand_checked_figures(name, capsys):
    document = shared("fixtures", "real", name)
    expected = shared("fixtures", "expected", name.rsplit(".", 1)[0] + ".json")
    assert cell_diff(load_json(expected), parse_json(document, capsys)) == []


def test_cli_runs_as_a_command():
    out = subprocess.run(
        [sys.executable, "-m", "xxgk.cli", "parse", str(SEED), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["agency"] == "永安市工业和信息化局"
