"""No import circles: the modules of agent/, pages/, scenarios/, fixtures/ and bench/ form a graph without cycles.

A circle makes the import order matter, hides which module is the foundation of which, and is how the CLI once
ended up with its app in a module that imported the commands that imported it. Every import counts, also those
inside functions (a local import that dodges a circle at import time is still a circle in the design), and a
module depends on the packages that contain it (Python runs their ``__init__`` first).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Set
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("agent", "pages", "scenarios", "fixtures", "bench")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """Each module of ``packages`` and the modules of ``packages`` it imports (anywhere in it)."""
    paths = {module_name(p): p for package in packages for p in sorted((ROOT / package).rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        is_package = path.name == "__init__.py"
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the module's own package upwards
                    anchor = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                    base = ".".join([*anchor, *([base] if base else [])])
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
        parents = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        graph[name] = {m for m in found | parents if m in paths and m != name}
    return graph


def find_cycles(graph: Mapping[str, Set[str]]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) in each group of modules that import each other round (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_in(group, graph) for group in groups]


def _cycle_in(group: set[str], graph: Mapping[str, Set[str]]) -> list[str]:
    """A shortest way round from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph.get(node, set()) & group):
                if target == start:
                    return [*paths[node], start]
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no way round in {sorted(group)}")  # a strongly connected group always has one


def test_the_modules_of_the_house_should_import_each_other_without_circles() -> None:
    cycles = find_cycles(import_graph())
    assert not cycles, "import circles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_the_graph_should_know_every_kind_of_import() -> None:
    graph = import_graph()
    assert "agent.core.errors" in graph["pages.base"], "from agent.core.errors import ..."
    assert "agent.core.i18n" in graph["agent.core.settings"], "from ... import at the top"
    assert "agent.cli.posting" in graph["agent.cli.app"], "from agent.cli import posting (a submodule)"
    assert "agent.cli" in graph["agent.cli.shared"], "the package that contains a module"
    assert "scenarios.calibrate" in graph["agent.cli.calibrate"], "an import inside a function"


def test_the_check_should_name_each_circle_it_finds() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}, "f": {"g"}, "g": set()}
    assert find_cycles(graph) == [["a", "b", "c", "a"], ["e", "e"]]
