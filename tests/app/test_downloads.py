"""Every download goes through the authenticated route: no page hands a file to
Streamlit's media file manager (whose /media/... URLs anyone can fetch), and pressing a
download button grants the file once to the viewer's own session."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from core.auth.sessions import SessionUser, create_session, lookup_session
from core.db.engine import make_engine, write_transaction
from core.paths import PROJECT_ROOT
from core.security.downloads import collect_download, grant_hash
from core.security.models import DownloadGrant
from core.settings import load_settings
from tests.app.conftest import open_page
from tests.db.helpers import add_account

LINK = re.compile(r'href="/download/([A-Za-z0-9_-]{43})"')


def test_no_page_uses_streamlits_download_button() -> None:
    sources = [
        PROJECT_ROOT / "streamlit_app.py",
        PROJECT_ROOT / "serve.py",
        *(PROJECT_ROOT / "app").rglob("*.py"),
        *(PROJECT_ROOT / "pages").rglob("*.py"),
    ]
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "download_button" in line
    ]
    assert found == []


@pytest.fixture
def media_managers(monkeypatch: pytest.MonkeyPatch) -> list[MediaFileManager]:
    """Every media file manager AppTest makes (one per run), kept for inspection after."""
    made: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MediaFileManager", Recording)
    return made


def _media_held(managers: list[MediaFileManager]) -> list[str]:
    # Files stored for a /media URL, and callables registered to make one on request.
    return [
        name
        for manager in managers
        for name in (*manager._file_metadata, *manager._deferred_callables)
    ]


@pytest.fixture
def app_engine(loaded_db: str) -> Iterator[Engine]:
    """An engine on the app's database."""
    engine = make_engine(database_url=loaded_db)
    yield engine
    engine.dispose()


def _really_logged_in(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, username: str, role: str, staff: str | None
) -> SessionUser:
    """An account with a real session in the app's database, seen by the app as logged
    in (AppTest cannot send the cookie): grants need a session that exists."""
    account = add_account(engine, username, role, staff, must_change_password=False)
    now = dt.datetime.now(dt.UTC)
    with write_transaction(engine) as conn:
        token = create_session(conn, account.id, now, load_settings())
    with engine.connect() as conn:
        user = lookup_session(conn, token, now, load_settings())
    assert user is not None
    monkeypatch.setattr("app.auth.session.current_user", lambda: user)
    return user


def _grants(engine: Engine) -> list[tuple[str, int, str, str, bytes]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                DownloadGrant.token_hash,
                DownloadGrant.session_id,
                DownloadGrant.filename,
                DownloadGrant.media_type,
                DownloadGrant.content,
            )
        )
        return [(r[0], r[1], r[2], r[3], bytes(r[4])) for r in rows]


def _started(at: AppTest) -> list[str]:
    """The tokens of the download links the run drew (and its script clicks)."""
    return [token for html in at.get("html") for token in LINK.findall(html.proto.body)]


def test_a_backup_is_granted_to_the_admins_session_and_never_reaches_media(
    app_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    media_managers: list[MediaFileManager],
) -> None:
    admin = _really_logged_in(app_engine, monkeypatch, "root", "admin", None)
    at = open_page("pages/admin_backup.py")
    at = at.button(key="admin_backup_make").click().run()
    assert not at.exception and _grants(app_engine) == [] and _started(at) == []
    backup = at.session_state["admin_backup_made"][1]
    name = at.session_state["admin_backup_made"][0]

    at = at.button(key="admin_backup_download").click().run()
    assert not at.exception
    ((stored, session_id, filename, media_type, content),) = _grants(app_engine)
    (token,) = _started(at)
    assert (stored, session_id) == (grant_hash(token), admin.session_id)
    assert (filename, media_type, content) == (name, "application/vnd.sqlite3", backup)
    (link,) = at.get("html")
    assert "If the download did not start, tap here (valid for 2 minutes, once)." in (
        link.proto.body
    )
    assert "<script>" in link.proto.body and name not in link.proto.body
    # What the route would hand over, once, to this session only.
    assert collect_download(app_engine, token, admin.session_id + 1) is None
    got = collect_download(app_engine, token, admin.session_id)
    assert got is not None and got.content == backup
    # Nothing of it, nor any way to make it, went to Streamlit's public media URLs.
    assert media_managers and _media_held(media_managers) == []


def test_an_export_is_made_only_when_pressed_and_granted_once(
    app_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    media_managers: list[MediaFileManager],
) -> None:
    officer = _really_logged_in(app_engine, monkeypatch, "wang", "officer", "OF1")
    at = open_page("pages/portfolio.py", language="zh")
    assert _grants(app_engine) == [] and _started(at) == []
    at = at.button(key="portfolio_csv").click().run()
    assert not at.exception
    ((_, session_id, filename, media_type, content),) = _grants(app_engine)
    assert session_id == officer.session_id and media_type == "text/csv"
    assert filename.startswith("portfolio-OF1-") and filename.endswith(".csv")
    # The page's own CSV, in the reader's language: the officer's one loan on today's date.
    header, row = content.decode("utf-8-sig").splitlines()
    assert content.startswith("\ufeff".encode())
    assert header.startswith("贷款编号,借款人编号,借款人,逾期天数,") and row.startswith(
        "L1,B1,赵一,"
    )
    (link,) = at.get("html")
    assert "如果没有开始下载，请点这里（2 分钟内有效，只能下载一次）。" in link.proto.body
    # Another run (any widget) makes no second grant and draws no link again.
    at = at.run()
    assert len(_grants(app_engine)) == 1 and _started(at) == []
    assert media_managers and _media_held(media_managers) == []
