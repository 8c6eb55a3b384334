"""scoped_cache: every cached loader is keyed by the viewer's scope and the data version,
gets its connection from the app's engine, and keeps a cache of its own."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text

from app.resources import scoped_cache
from core.auth.scope import Scope

CALLS: list[str] = []


@scoped_cache()
def _officer_count(conn: Connection, scope: Scope, version: int) -> tuple[str, int]:
    CALLS.append("count")
    value = conn.execute(text("SELECT COUNT(*) FROM staff")).scalar_one()
    return scope.kind, int(value)


@scoped_cache()
def _same_arguments(conn: Connection, scope: Scope, version: int) -> tuple[str, int]:
    CALLS.append("other")
    return "other", -1


def test_a_loader_runs_once_per_scope_and_version_with_the_apps_connection(
    loaded_db: str,
) -> None:
    CALLS.clear()
    everyone, officer = Scope.everyone(), Scope("officer", staff_code="OF1")
    first = _officer_count(everyone, 1)
    assert first[0] == "all" and first[1] > 0  # read through the app's database
    assert _officer_count(everyone, 1) == first
    assert CALLS == ["count"]  # the second call was served from the cache
    assert _officer_count(officer, 1)[0] == "officer"  # another scope: its own entry
    assert _officer_count(everyone, 2) == first  # a write bumped the version: read again
    assert CALLS == ["count", "count", "count"]


def test_two_loaders_with_the_same_arguments_never_share_a_cache(loaded_db: str) -> None:
    everyone = Scope.everyone()
    assert _officer_count(everyone, 1)[0] == "all"
    assert _same_arguments(everyone, 1) == ("other", -1)


def test_a_loader_without_a_scope_or_a_version_is_refused() -> None:
    def no_scope(conn: Connection, code: str, version: int) -> int:
        return 0

    def no_version(conn: Connection, scope: Scope) -> int:
        return 0

    def no_conn(scope: Scope, version: int) -> int:
        return 0

    for loader in (no_scope, no_version, no_conn):
        with pytest.raises(TypeError, match="a scoped cache takes"):
            scoped_cache()(loader)  # type: ignore[arg-type]
