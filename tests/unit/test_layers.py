"""The imports point one way (product.md, docs/architecture.md): fixtures stand alone, pages never use scenarios,
and inside agent/ each folder imports only the folders below it; only the top layer (the CLI, the runner, the bulk
runner and its workers, the watch runner) calls scenarios or page objects."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: The modules of agent/ that may call scenarios and page objects (paths below agent/; a folder means all of it).
TOP_LAYER = ("cli/", "runner.py", "bulk/runner.py", "bulk/workers.py", "watch/runner.py", "__main__.py")

#: What each part of agent/ may import of agent/ (the longest matching prefix wins). docs/architecture.md draws it.
MAY_IMPORT: dict[str, tuple[str, ...]] = {
    "agent.core": ("agent.core",),
    "agent.rules": ("agent.core", "agent.rules"),
    "agent.stats": ("agent.core", "agent.rules", "agent.stats"),
    "agent.bulk": ("agent.core", "agent.rules", "agent.bulk"),
    "agent.runner": ("agent.core", "agent.rules"),
    "agent.watch": ("agent.core", "agent.rules", "agent.watch", "agent.runner", "agent.alerts"),
    "agent.alerts": ("agent.core", "agent.alerts"),
    "agent.preflight": ("agent.core", "agent.rules", "agent.bulk"),
    "agent.cli": ("agent.core", "agent.rules", "agent.stats", "agent.bulk", "agent.runner", "agent.watch",
                  "agent.preflight", "agent.alerts", "agent.cli"),
    "agent.__main__": ("agent.cli.app",),
    "pages": ("agent.core",),
    "scenarios": ("agent.core", "agent.rules"),
}


def imported_modules(path: Path) -> set[str]:
    """Modules a file imports (including imports inside functions), as written."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module in ("agent", "agent.cli"):  # `from agent.cli import posting` imports a module
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def imported_packages(path: Path) -> set[str]:
    """Top-level packages a module imports (including imports inside functions)."""
    return {module.split(".")[0] for module in imported_modules(path)}


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def in_top_layer(path: Path) -> bool:
    inside = path.relative_to(ROOT / "agent").as_posix()
    return any(inside.startswith(top) if top.endswith("/") else inside == top for top in TOP_LAYER)


def rule_for(module: str) -> tuple[str, ...]:
    owner = max((part for part in MAY_IMPORT if module == part or module.startswith(part + ".")), key=len)
    return MAY_IMPORT[owner]


def ids(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", [p for p in modules("agent") if not in_top_layer(p)], ids=ids)
def test_foundation_modules_should_not_import_scenarios_or_pages(path: Path) -> None:
    assert not imported_packages(path) & {"scenarios", "pages"}


@pytest.mark.parametrize("path", modules("fixtures/sandbox"), ids=ids)
def test_the_sandbox_should_import_nothing_of_the_agent(path: Path) -> None:
    assert not imported_packages(path) & {"agent", "pages", "scenarios"}


@pytest.mark.parametrize("path", modules("pages"), ids=ids)
def test_page_objects_should_not_import_scenarios_or_the_top_layer(path: Path) -> None:
    imports = imported_packages(path)
    assert "scenarios" not in imports
    assert not {m for m in imported_modules(path) if m.startswith("agent.")
                and in_top_layer(ROOT / (m.replace(".", "/") + ".py"))}


@pytest.mark.parametrize("path", [p for p in modules("agent") + modules("pages") + modules("scenarios")
                                  if p.name != "__init__.py"], ids=ids)
def test_each_module_should_import_only_the_parts_of_the_agent_below_it(path: Path) -> None:
    allowed = rule_for(module_name(path))
    wrong = sorted(m for m in imported_modules(path) if m.startswith("agent.")
                   and not any(m == a or m.startswith(a + ".") for a in allowed))
    assert not wrong, f"{module_name(path)} may import only {', '.join(allowed)}"


#: The rooms of ``agent/core/``, each a family of modules (a folder); core's own modules are what every layer needs.
CORE_ROOMS = ("agent.core.browser", "agent.core.evidence", "agent.core.journal")


@pytest.mark.parametrize("path", modules("agent/core"), ids=ids)
def test_cores_rooms_should_import_only_cores_own_modules_and_their_own_room(path: Path) -> None:
    name = module_name(path)
    own = next((room for room in CORE_ROOMS if name == room or name.startswith(room + ".")), None)
    rooms = {room for m in imported_modules(path) for room in CORE_ROOMS if m == room or m.startswith(room + ".")}
    assert rooms <= ({own} if own else set()), f"{name} imports the rooms {sorted(rooms - {own})}"


def test_nothing_but_the_entry_point_should_import_the_cli_app() -> None:
    importers = sorted(module_name(p) for p in modules("agent") + modules("pages") + modules("scenarios")
                       if "agent.cli.app" in imported_modules(p))
    assert importers == ["agent.__main__"]


def test_the_layer_rules_should_place_every_folder_of_the_agent() -> None:
    folders = {f"agent.{p.name}" for p in (ROOT / "agent").iterdir() if (p / "__init__.py").exists()}
    top_modules = {f"agent.{p.stem}" for p in (ROOT / "agent").glob("*.py") if p.stem != "__init__"}
    assert folders | top_modules <= set(MAY_IMPORT), "a new part of agent/ needs its place in MAY_IMPORT"


#: The longest a module of the product may grow before it is split by what it does (issue 27).
MAX_LINES = 300


@pytest.mark.parametrize("folder", ["agent", "pages", "scenarios"])
def test_no_module_should_be_over_300_lines(folder: str) -> None:
    """A module over this has two jobs: split it by family, as agent/core/ was split into rooms."""
    long = {str(p.relative_to(ROOT)): n for p in sorted((ROOT / folder).rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"over {MAX_LINES} lines: {long}"
