"""The arrows between modules run one way: no import circle anywhere in volunteer_app (imports inside functions
count too: they only postpone a circle), and no module imports another domain's pages or API."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "volunteer_app"


def module_files() -> dict[str, Path]:
    files = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    return files


def imported_names(module: str, path: Path) -> set[str]:
    """Every dotted name the module imports, relative imports resolved, `from a import b` as both a and a.b."""
    names = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] == PACKAGE.name}


def import_graph() -> dict[str, set[str]]:
    files = module_files()

    def owner(name: str) -> str | None:  # the module a dotted name lives in
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for module, path in files.items():
        targets = {owner(name) for name in imported_names(module, path)}
        # A package's own modules importing the package (its __init__) close no circle worth reporting.
        graph[module] = {t for t in targets if t and t != module and not module.startswith(t + ".")}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Kosaraju, without recursion)."""
    order, seen = [], set()
    for start in graph:
        if start in seen:
            continue
        seen.add(start)
        stack = [(start, iter(sorted(graph[start])))]
        while stack:
            node, successors = stack[-1]
            following = next((n for n in successors if n not in seen), None)
            if following is None:
                order.append(node)
                stack.pop()
            else:
                seen.add(following)
                stack.append((following, iter(sorted(graph[following]))))
    reverse: dict[str, set[str]] = {node: set() for node in graph}
    for node, targets in graph.items():
        for target in targets:
            reverse[target].add(node)
    groups, assigned = [], set()
    for node in reversed(order):
        if node in assigned:
            continue
        group, todo = [], [node]
        assigned.add(node)
        while todo:
            current = todo.pop()
            group.append(current)
            for source in reverse[current] - assigned:
                assigned.add(source)
                todo.append(source)
        if len(group) > 1:
            groups.append(sorted(group))
    return groups


@pytest.mark.no_db
def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


@pytest.mark.no_db
def test_no_import_circle_between_modules():
    found = circles(import_graph())
    assert found == [], "import circles (make the arrows run one way):\n" + "\n".join(" <-> ".join(c) for c in found)


def page_or_api_area(module: str) -> str | None:
    """`volunteer_app.events.views` for `volunteer_app.events.views.signups`; None outside a domain's pages/API.
    (`volunteer_app.api` itself holds the API conventions every domain uses: not a leaf.)"""
    parts = module.split(".")
    for i, part in enumerate(parts[2:], start=2):
        if part in ("views", "api"):
            return ".".join(parts[: i + 1])
    return None


@pytest.mark.no_db
def test_nothing_imports_another_modules_pages_or_api():
    """Pages and API handlers are leaves: services, jobs and other domains never reach into them (the app factory
    registers them by name)."""
    wrong = []
    for module, targets in import_graph().items():
        if module == PACKAGE.name:  # the app factory, which registers them
            continue
        for target in targets:
            area = page_or_api_area(target)
            if area and not (module == area or module.startswith(area + ".")):
                wrong.append(f"{module} imports {target}")
    assert sorted(wrong) == []
