"""Fixtures for the login, session and audit tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import Engine

from core.auth import passwords
from core.settings import Settings, load_settings
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """argon2id at its cheapest: these tests check the logic around hashing (the real
    parameters are tests/unit/test_passwords.py's business), ~1 ms a hash, not 150."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    monkeypatch.setattr(passwords, "_HASHER", cheap)
    passwords._dummy_hash.cache_clear()
    yield
    passwords._dummy_hash.cache_clear()


@pytest.fixture
def staffed(engine: Engine, tmp_path: Path, cheap_passwords: None) -> Engine:
    """The test's database holding the base portfolio (staff OF1, OF2, TL1, TR1)."""
    result = do_import(engine, write_folder(tmp_path / "base", base_portfolio()))
    assert not result.problems
    return engine


@pytest.fixture
def settings() -> Settings:
    """Default settings: sessions idle out after 60 minutes and end after 12 hours."""
    return load_settings({})
