"""The architecture holds: core/ never imports streamlit; pages/ hold no SQL."""

from __future__ import annotations

import ast
from pathlib import Path

from core.paths import PROJECT_ROOT


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit() -> None:
    offenders = [p for p in (PROJECT_ROOT / "core").rglob("*.py") if "streamlit" in _imports(p)]
    assert offenders == []


def test_pages_hold_no_database_code() -> None:
    for page in (PROJECT_ROOT / "pages").glob("*.py"):
        assert "sqlalchemy" not in _imports(page), page
        assert "SELECT " not in page.read_text(encoding="utf-8").upper(), page


def test_every_public_core_function_has_a_docstring() -> None:
    missing = []
    for path in (PROJECT_ROOT / "core").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef | ast.ClassDef) or node.name[0] == "_":
                continue
            if ast.get_docstring(node) is None:
                missing.append(f"{path.relative_to(PROJECT_ROOT)}:{node.name}")
    assert missing == []


def _core_graph() -> dict[str, set[str]]:
    """core's modules (migration scripts left out) → the core modules each imports,
    wherever in the module the import stands."""
    modules: dict[str, Path] = {}
    for path in (PROJECT_ROOT / "core").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path

    def owner(name: str) -> str:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("core"):
                found |= {owner(f"{node.module}.{alias.name}") for alias in node.names}
            elif isinstance(node, ast.Import):
                found |= {owner(a.name) for a in node.names if a.name.startswith("core")}
        graph[name] = found - {name, ""}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, set()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_core_has_no_import_cycle_between_modules_or_feature_folders() -> None:
    graph = _core_graph()
    assert _cycles(graph) == []

    def folder(module: str) -> str:
        return ".".join(module.split(".")[:2])  # core.visits, core.db, core.money

    folders: dict[str, set[str]] = {}
    for module, imported in graph.items():
        folders.setdefault(folder(module), set()).update(
            folder(m) for m in imported if folder(m) != folder(module)
        )
    assert _cycles(folders) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
