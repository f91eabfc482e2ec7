"""The imports point one way (product.md): fixtures stand alone, pages never use scenarios, and inside agent/
only the top layer (runner, bulk runner and workers, watch runner, the CLI) calls scenarios or page objects."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOP_LAYER = {"runner", "workers", "app", "bulk", "posting", "getting_started", "watch", "calibrate", "capture",
             "__main__"}


def imported_packages(path: Path) -> set[str]:
    """Top-level packages a module imports (including imports inside functions)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", [p for p in modules("agent") if p.stem not in TOP_LAYER], ids=lambda p: p.stem)
def test_foundation_modules_should_not_import_scenarios_or_pages(path: Path) -> None:
    assert not imported_packages(path) & {"scenarios", "pages"}


@pytest.mark.parametrize("path", modules("fixtures/sandbox"), ids=lambda p: p.stem)
def test_the_sandbox_should_import_nothing_of_the_agent(path: Path) -> None:
    assert not imported_packages(path) & {"agent", "pages", "scenarios"}


@pytest.mark.parametrize("path", modules("pages"), ids=lambda p: p.stem)
def test_page_objects_should_not_import_scenarios_or_the_top_layer(path: Path) -> None:
    imports = imported_packages(path)
    assert "scenarios" not in imports
    tree = ast.parse(path.read_text(encoding="utf-8"))
    agent_modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
                     and n.module.startswith("agent.")}
    assert not {m.split(".")[1] for m in agent_modules} & TOP_LAYER
