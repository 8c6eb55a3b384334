"""Every write of data moves the data version by construction: it goes through
core.db.engine.data_write, and nothing bumps the version by hand (a forgotten bump
leaves every cached page stale for up to an hour)."""

from __future__ import annotations

import ast
from pathlib import Path

from core.paths import PROJECT_ROOT

# The modules that may open a plain write_transaction, which leaves the data version
# alone: each writes only what no cached page is made of.
PLAIN_WRITERS = {
    "core/db/engine.py": "defines it; data_write is built on it",
    "core/db/migrations/env.py": "schema upgrades",
    "core/auth/login.py": "sessions: logging in and out",
    "core/cli/users.py": "login accounts",
    "core/security/downloads.py": "download grants: a file served once to one session",
    "core/metrics/kept.py": "kept officer components: derived from data, not data",
    "core/metrics/kept_cohorts.py": "kept cohort sums: derived from data, not data",
    "core/portfolio/kept_rows.py": "kept loan rows: derived from data, not data",
    "core/notify/remind.py": "the daily digests' delivery log: no page's figures",
}


def _calls(path: Path, name: str) -> list[int]:
    """The lines of `path` that call a function called `name`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == name)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == name)
        )
    ]


def _sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (PROJECT_ROOT / folder).rglob("*.py"))


def test_nothing_but_data_write_bumps_the_data_version() -> None:
    found = {
        str(p.relative_to(PROJECT_ROOT)): lines
        for p in _sources("core", "app", "pages")
        if (lines := _calls(p, "bump_data_version"))
    }
    assert list(found) == ["core/db/engine.py"]
    assert len(found["core/db/engine.py"]) == 1  # in data_write


def test_core_writes_data_only_through_data_write() -> None:
    found = {
        str(p.relative_to(PROJECT_ROOT)) for p in _sources("core") if _calls(p, "write_transaction")
    }
    assert found - PLAIN_WRITERS.keys() == set(), "use data_write for a write of data"
    # A stale entry would let a later write of data in that module skip the version.
    assert found == set(PLAIN_WRITERS)
