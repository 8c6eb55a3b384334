"""AppTest fixtures: a loaded SQLite database behind the app, a logged-in person (AppTest
cannot send cookies, so `app.auth.session.current_user` is patched), and fresh caches."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from core.auth.sessions import SessionUser
from core.db.engine import make_engine
from core.db.schema import ensure_schema
from core.paths import CONFIG_DIR, PROJECT_ROOT
from tests.builders import base_portfolio, two_branch_portfolio, write_folder
from tests.db.helpers import do_import

STAFF = {"officer": "OF1", "team_leader": "TL1", "trainer": "TR1", "admin": None}


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """Streamlit's caches are process-wide, and so is the session state that code called
    outside a page run sees (say a language a test chose): every test starts and ends
    with empty ones."""
    st.cache_data.clear()
    st.cache_resource.clear()
    st.session_state.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
    st.session_state.clear()


def app_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, load: Callable[[Engine, Path], None]
) -> str:
    """A SQLite database filled by `load(engine, folder)` behind the app (DATABASE_URL)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = make_engine(database_url=url)
    ensure_schema(engine)
    load(engine, tmp_path / "in")
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def import_tables(tables: dict[str, list[dict[str, str]]]) -> Callable[[Engine, Path], None]:
    """A loader for app_database importing these tables."""

    def load(engine: Engine, folder: Path) -> None:
        assert do_import(engine, write_folder(folder, tables)).ok

    return load


@pytest.fixture
def loaded_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """DATABASE_URL of a SQLite database holding the base portfolio."""
    return app_database(tmp_path, monkeypatch, import_tables(base_portfolio()))


# A team goal appended to the shipped rules (which hold the branch goal branch_par30).
TEAM_RULE = """
  - id: team_recovery
    name: {en: Team recovery rate, zh: 小组回收率}
    figure: recovery_rate
    scope: team
    better: higher
    bands: {target: 1.0, warn: 0.98, fail: 0.95}
    severity: high
    message:
      en: "Team recovery is {value} (goal {target})."
      zh: "小组回收率为{value}（目标{target}）。"
"""


@pytest.fixture
def two_branch_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """DATABASE_URL of a SQLite database holding tests/builders.py two_branch_portfolio,
    behind the shipped configuration plus a team goal (team_recovery)."""
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    rules = config / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + TEAM_RULE, encoding="utf-8")
    monkeypatch.setenv("FIELDBOOK_CONFIG_DIR", str(config))
    return app_database(tmp_path, monkeypatch, import_tables(two_branch_portfolio()))


def session_user(role: str, must_change: bool = False) -> SessionUser:
    """A logged-in person of `role`, linked to the base portfolio's staff."""
    return SessionUser(
        session_id=1,
        user_id=1,
        username=role,
        display_name=f"Test {role}",
        role=role,
        staff_code=STAFF[role],
        language="en",
        must_change_password=must_change,
        expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    )


@pytest.fixture
def log_in_as(monkeypatch: pytest.MonkeyPatch):
    """log_in_as("officer") makes the app see that person logged in (None: nobody)."""

    def log_in(role: str | None, must_change: bool = False) -> None:
        user = None if role is None else session_user(role, must_change)
        monkeypatch.setattr("app.auth.session.current_user", lambda: user)

    return log_in


def start_app(language: str = "en") -> AppTest:
    """Runs the app once in the given language."""
    at = AppTest.from_file(str(PROJECT_ROOT / "streamlit_app.py"), default_timeout=30)
    at.session_state["language"] = language
    return at.run()


def open_page(page: str, language: str = "en", **query: str) -> AppTest:
    """Runs the app in `language` and opens `page` ("pages/visits.py") with these query
    parameters; the page must draw without an exception."""
    at = start_app(language)
    for name, value in query.items():
        at.query_params[name] = value
    at = at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """Every Markdown, caption and alert text of the run, one per line."""
    parts = [*at.markdown, *at.caption, *at.success, *at.info, *at.warning, *at.error]
    return "\n".join(str(part.value) for part in parts)


def restored(at: AppTest) -> list[str]:
    """The notices of a form filled from its draft (app/drafts.py), in English."""
    return [i.value for i in at.info if i.value.startswith("Restored what you typed at ")]


def elements(at: AppTest | Block, kind: str) -> list[Any]:
    """The elements of a kind AppTest has no typed accessor for (download buttons, page
    links, plain text), as a list."""
    return list(at.get(kind))
