"""The layout stays as designed: the import contract between the folders, and
docs/architecture.md naming every module (see that file for the picture)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT

PACKAGES = ("pipelines", "assets", "schemas", "warehouse", "publish", "testkit", "xxgk")
STAGES = ("registry", "collect", "read", "tables")  # in flow order
SHARED = (
    "pipelines.datadir",
    "pipelines.dataset",
    "pipelines.files",
    "pipelines.text",
    "pipelines.workers",
)  # any stage may use them
NO_DAGSTER = ("pipelines", "warehouse", "publish", "schemas", "testkit")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {
        module_name(p): p
        for package in PACKAGES
        for p in sorted((ROOT / package).rglob("*.py"))
        if "node_modules" not in p.parts
    }


def imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, at module level?) for every import in the file, functions included;
    `from a import b` counts as importing a.b when that is a module of ours, else a."""
    ours = modules()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.append((full if full in ours else node.module, id(node) in top))
    return found


def graph() -> dict[str, set[str]]:
    ours = modules()
    return {
        name: {m for m, _ in imports(path) if m in ours and m != name}
        for name, path in ours.items()
    }


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def stage(module: str) -> int | None:
    for n, name in enumerate(STAGES):
        if within(module, f"pipelines.{name}"):
            return n
    return None


def test_no_dagster_outside_the_dagster_layer():
    offenders = [
        (name, m)
        for name, path in modules().items()
        if any(within(name, p) for p in NO_DAGSTER)
        for m, _ in imports(path)
        if m.split(".")[0] == "dagster" or m.startswith("dagster_")
    ]
    assert offenders == []


def test_testkit_is_imported_only_by_the_command_inside_its_commands():
    offenders = [
        (name, m, top)
        for name, path in modules().items()
        if not within(name, "testkit")
        for m, top in imports(path)
        if within(m, "testkit") and (name != "xxgk.cli" or top)
    ]
    assert offenders == []


def test_no_import_cycles():
    edges = graph()
    cycles = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_stages_import_only_earlier_stages_and_shared_modules():
    offenders = []
    for name, targets in graph().items():
        here = stage(name)
        for m in targets:
            there = stage(m)
            if name in SHARED and within(m, "pipelines") and m not in SHARED:
                offenders.append((name, m))  # shared modules stand below every stage
            elif here is not None and (
                (there is not None and there > here) or within(m, "pipelines.run")
            ):
                offenders.append((name, m))
            elif here is not None and within(m, "publish"):
                offenders.append((name, m))  # only pipelines.run reaches the release
    assert offenders == []


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        ("schemas", ()),
        ("warehouse", ("schemas", "pipelines.datadir")),
        (
            "publish",
            # GB/T 2260, the one reference list (names of provinces in the catalog)
            (
                "schemas",
                "warehouse",
                "pipelines.datadir",
                "pipelines.files",
                "pipelines.registry.regions",
                "pipelines.workers",  # body pages rendered on every core
            ),
        ),
        ("testkit", ("pipelines", "schemas", "warehouse", "publish")),
    ],
)
def test_lower_layers_do_not_reach_up(package, allowed):
    ours = set(PACKAGES)
    offenders = [
        (name, m)
        for name, targets in graph().items()
        if within(name, package)
        for m in targets
        if m.split(".")[0] in ours
        and not within(m, package)
        and not any(within(m, a) for a in allowed)
    ]
    assert offenders == []


def test_only_the_command_imports_the_dagster_layer():
    offenders = [
        (name, m)
        for name, targets in graph().items()
        if not within(name, "assets") and name != "xxgk.cli"
        for m in targets
        if within(m, "assets")
    ]
    assert offenders == []


def test_loading_the_code_location_imports_no_generator_and_no_dev_dependency():
    """As the Dagster code server loads it, with the dev-only packages made unimportable."""
    probe = (
        "import sys\n"
        "for dev in ('reportlab', 'pytest'):\n"
        "    sys.modules[dev] = None  # importing it now raises ImportError\n"
        "import assets.definitions\n"
        "bad = sorted(m for m, mod in sys.modules.items() if mod is not None\n"
        "             and m.split('.')[0] in ('testkit', 'reportlab'))\n"
        "print(bad)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


ARCHITECTURE = ROOT / "docs" / "architecture.md"


def test_architecture_doc_names_every_module_and_only_modules_that_exist():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:" + "|".join(PACKAGES) + r")/[\w/]+\.py)`", text))
    files = {p.relative_to(ROOT).as_posix() for p in modules().values()}
    assert sorted(files - named) == [], "modules docs/architecture.md does not name"
    assert sorted(named - files) == [], "docs/architecture.md names files that do not exist"


SHIPPED = ("pipelines", "assets", "schemas", "warehouse", "publish", "xxgk")


def _declared() -> set[str]:
    """Distribution names pyproject.toml promises at run time (dependencies and extras)."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + [
        s for extra in project.get("optional-dependencies", {}).values() for s in extra
    ]
    return {re.split(r"[\[<>=!~ ;]", s, maxsplit=1)[0].lower().replace("_", "-") for s in specs}


def test_every_package_the_shipped_code_imports_is_a_declared_dependency():
    """A package that only comes with another (or with the test tools) may be gone tomorrow:
    Pillow came only with reportlab, and a runtime install could not import the OCR reader."""
    from importlib.metadata import packages_distributions

    ours = {p.split(".")[0] for p in modules()}
    providers = packages_distributions()
    declared = _declared()
    missing = {}
    for name, path in modules().items():
        if not name.startswith(SHIPPED):
            continue
        for imported, _ in imports(path):
            top = imported.split(".")[0]
            if top in ours or top in sys.stdlib_module_names or top == "__future__":
                continue
            dists = {d.lower().replace("_", "-") for d in providers.get(top, [top])}
            if not dists & declared:
                missing.setdefault(top, []).append(name)
    assert not missing, missing
