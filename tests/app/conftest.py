"""AppTest fixtures: a loaded SQLite database behind the app, and fresh caches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.db import make_engine
from core.paths import PROJECT_ROOT
from core.schema import ensure_schema
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """Streamlit's caches are process-wide: every test starts and ends with empty ones."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def loaded_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """DATABASE_URL of a SQLite database holding the base portfolio."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = make_engine(database_url=url)
    ensure_schema(engine)
    assert do_import(engine, write_folder(tmp_path / "in", base_portfolio())).ok
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def start_app(language: str = "en") -> AppTest:
    """Runs the app once in the given language."""
    at = AppTest.from_file(str(PROJECT_ROOT / "streamlit_app.py"), default_timeout=30)
    at.session_state["language"] = language
    return at.run()
