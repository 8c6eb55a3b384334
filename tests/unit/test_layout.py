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
            public = isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name[0] != "_"
            if public and ast.get_docstring(node) is None:
                missing.append(f"{path.relative_to(PROJECT_ROOT)}:{node.name}")
    assert missing == []
