"""Logging in and server-side sessions with their two time limits (the login throttle:
test_login_throttle.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import OperationalError

from core.auth import passwords, sessions
from core.auth.login import current_user, log_in, log_out
from core.auth.session_ends import revoke_session, revoke_user_sessions
from core.auth.sessions import (
    WRONG_CREDENTIALS,
    authenticate,
    check_password,
    create_session,
    lookup_session,
)
from core.auth.users import disable_user, reset_password, set_role
from core.db.engine import write_transaction
from core.db.models import User, UserSession
from core.settings import Settings
from tests.db.conftest import T0
from tests.db.helpers import PASSWORD, add_account

MINUTE = dt.timedelta(minutes=1)


def _attempt(engine: Engine, username: str, password: str, now: dt.datetime) -> sessions.AuthResult:
    with write_transaction(engine) as conn:
        return authenticate(conn, username, password, now)


def test_unknown_user_wrong_password_and_disabled_get_one_answer(
    staffed: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_account(staffed, "wang", "officer", "OF1")
    add_account(staffed, "gone", "officer", "OF2")
    with write_transaction(staffed) as conn:
        disable_user(conn, "gone", actor="cli")
    checked: list[str | None] = []
    real_verify = passwords.verify_password

    def verify(password_hash: str | None, password: str) -> bool:
        checked.append(password_hash)
        return real_verify(password_hash, password)

    monkeypatch.setattr(sessions, "verify_password", verify)
    answers = [
        _attempt(staffed, "nobody", PASSWORD, T0),
        _attempt(staffed, "wang", "wrong-password", T0),
        _attempt(staffed, "gone", PASSWORD, T0),  # the right password of a disabled account
    ]
    assert {(a.outcome, a.message, a.user) for a in answers} == {
        ("invalid", WRONG_CREDENTIALS, None)
    }
    assert WRONG_CREDENTIALS.startswith("Wrong username or password.")
    assert len(checked) == 3 and checked[0] is None  # an unknown user costs a hash check too
    ok = _attempt(staffed, " WANG ", PASSWORD, T0)
    assert ok.ok and ok.user is not None and ok.user.must_change_password


def test_the_token_is_never_stored_only_its_hash(staffed: Engine, settings: Settings) -> None:
    user = add_account(staffed, "wang", "officer", "OF1")
    with write_transaction(staffed) as conn:
        token = create_session(conn, user.id, T0, settings, user_agent="Firefox")
    assert len(token) >= 43
    with staffed.connect() as conn:
        rows = conn.execute(select(UserSession)).all()
        assert [r.token_hash for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
        for table in ("sessions", "audit_log", "users"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                assert not any(token in str(value) for value in row), table
        found = lookup_session(conn, token, T0, settings)
    assert found is not None
    assert (found.username, found.role, found.staff_code) == ("wang", "officer", "OF1")
    assert found.must_change_password and found.expires_at == T0 + dt.timedelta(hours=12)


def test_idle_timeout_boundary(staffed: Engine, settings: Settings) -> None:
    user = add_account(staffed, "wang", "officer", "OF1")
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    with write_transaction(staffed) as conn:
        first = create_session(conn, user.id, T0, settings)
        second = create_session(conn, user.id, T0, settings)
        third = create_session(conn, user.id, T0, settings)
        assert lookup_session(conn, first, T0 + idle - dt.timedelta(seconds=1), settings)
        assert lookup_session(conn, second, T0 + idle, settings) is None
        assert lookup_session(conn, third, T0 + idle + MINUTE, settings) is None
        # Activity moved the first session's idle deadline on.
        assert lookup_session(conn, first, T0 + 2 * idle - dt.timedelta(seconds=2), settings)


def test_activity_is_recorded_at_most_once_a_minute(staffed: Engine, settings: Settings) -> None:
    user = add_account(staffed, "wang", "officer", "OF1")
    with write_transaction(staffed) as conn:
        token = create_session(conn, user.id, T0, settings)

    def last_seen() -> dt.datetime:
        with staffed.connect() as conn:
            value = conn.execute(select(UserSession.last_seen_at)).scalar_one()
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value

    assert current_user(staffed, token, settings, now=T0 + dt.timedelta(seconds=59))
    assert last_seen() == T0
    assert current_user(staffed, token, settings, now=T0 + MINUTE)
    assert last_seen() == T0 + MINUTE


def test_the_absolute_lifetime_ends_even_an_active_session(
    staffed: Engine, settings: Settings
) -> None:
    user = add_account(staffed, "wang", "officer", "OF1")
    end = T0 + dt.timedelta(hours=settings.session_max_hours)
    with write_transaction(staffed) as conn:
        token = create_session(conn, user.id, T0, settings)
        now = T0
        while now < end - dt.timedelta(seconds=1):  # a page every 50 minutes, all day long
            now = min(now + 50 * MINUTE, end - dt.timedelta(seconds=1))
            assert lookup_session(conn, token, now, settings) is not None, now
        assert lookup_session(conn, token, end, settings) is None


def test_revoked_and_disabled_sessions_are_gone(staffed: Engine, settings: Settings) -> None:
    wang = add_account(staffed, "wang", "officer", "OF1")
    liu = add_account(staffed, "liu", "officer", "OF2")
    with write_transaction(staffed) as conn:
        token = create_session(conn, wang.id, T0, settings)
        others = [create_session(conn, wang.id, T0, settings) for _ in range(2)]
        liu_token = create_session(conn, liu.id, T0, settings)
        assert revoke_session(conn, token, T0) is True
        assert revoke_session(conn, token, T0) is False
        assert revoke_session(conn, "no-such-token", T0) is False
        assert lookup_session(conn, token, T0, settings) is None
        assert revoke_user_sessions(conn, wang.id, T0, actor="admin") == 2
        assert [lookup_session(conn, t, T0, settings) for t in others] == [None, None]
        assert lookup_session(conn, liu_token, T0, settings) is not None
        disable_user(conn, "liu", actor="admin", now=T0)
        assert lookup_session(conn, liu_token, T0, settings) is None
        assert lookup_session(conn, "", T0, settings) is None


def test_a_new_role_shows_on_the_next_request(staffed: Engine, settings: Settings) -> None:
    user = add_account(staffed, "li", "officer", "OF2")
    with write_transaction(staffed) as conn:
        token = create_session(conn, user.id, T0, settings)
        set_role(conn, "li", "team_leader", "TL1", actor="admin")
        found = lookup_session(conn, token, T0, settings)
    assert found is not None and (found.role, found.staff_code) == ("team_leader", "TL1")


def test_log_in_current_user_and_log_out(staffed: Engine, settings: Settings) -> None:
    add_account(staffed, "wang", "officer", "OF1", must_change_password=False)
    failed = log_in(staffed, "wang", "wrong-password", settings, now=T0)
    assert failed.token is None and failed.result.message == WRONG_CREDENTIALS
    outcome = log_in(staffed, "wang", PASSWORD, settings, now=T0, user_agent="Chromium")
    assert outcome.result.ok and outcome.token
    user = current_user(staffed, outcome.token, settings, now=T0 + MINUTE)
    assert user is not None and not user.must_change_password
    assert current_user(staffed, None, settings) is None
    assert log_out(staffed, outcome.token, now=T0 + 2 * MINUTE) is True
    assert current_user(staffed, outcome.token, settings, now=T0 + 2 * MINUTE) is None
    assert log_out(staffed, None) is False


def test_a_page_view_never_waits_for_a_writer(staffed: Engine, settings: Settings) -> None:
    user = add_account(staffed, "wang", "officer", "OF1")
    with write_transaction(staffed) as conn:
        token = create_session(conn, user.id, T0, settings)
    with write_transaction(staffed) as writer:  # say, a long import holding the lock
        writer.execute(text("UPDATE data_version SET version = version"))
        started = time.monotonic()
        found = current_user(staffed, token, settings, now=T0 + 5 * MINUTE)
        assert found is not None and found.username == "wang"
        assert time.monotonic() - started < 5  # the busy timeout is 30 s


def test_naive_datetimes_are_refused(staffed: Engine) -> None:
    with write_transaction(staffed) as conn, pytest.raises(ValueError, match="aware datetime"):
        authenticate(conn, "wang", PASSWORD, dt.datetime(2026, 3, 2, 8, 0))


def test_a_login_upgrades_a_hash_made_with_weaker_parameters(
    staffed: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_account(staffed, "wang", "officer", "OF1")
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1, type=Type.ID)
    monkeypatch.setattr(passwords, "_HASHER", stronger)
    assert _attempt(staffed, "wang", PASSWORD, T0).ok
    with staffed.connect() as conn:
        stored = conn.execute(select(User.password_hash)).scalar_one()
    assert extract_parameters(stored).time_cost == 2
    assert _attempt(staffed, "wang", PASSWORD, T0).ok


def test_log_in_hashes_the_password_before_taking_the_write_lock(
    staffed: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hashing takes ~0.25 s: inside the write transaction every other writer would wait.
    add_account(staffed, "wang", "officer", "OF1", must_change_password=False)
    lock_free: list[bool] = []
    real_verify = passwords.verify_password

    def verify(password_hash: str | None, password: str) -> bool:
        try:
            with write_transaction(staffed, lock_wait_ms=100) as conn:
                conn.execute(text("UPDATE data_version SET version = version"))
            lock_free.append(True)
        except OperationalError:
            lock_free.append(False)
        return real_verify(password_hash, password)

    monkeypatch.setattr(sessions, "verify_password", verify)
    assert log_in(staffed, "wang", PASSWORD, settings, now=T0).token
    assert not log_in(staffed, "nobody", PASSWORD, settings, now=T0).token
    assert lock_free == [True, True]  # one check per login, with the lock free


def test_a_password_checked_against_a_hash_changed_since_is_checked_again(
    staffed: Engine,
) -> None:
    add_account(staffed, "wang", "officer", "OF1")
    with staffed.connect() as conn:
        early = check_password(conn, "wang", PASSWORD)
    assert early.matched
    with write_transaction(staffed) as conn:
        reset_password(conn, "wang", "fresh-password", actor="admin", now=T0)
        stale = authenticate(conn, "wang", PASSWORD, T0, checked=early)
        fresh = authenticate(conn, "wang", "fresh-password", T0, checked=early)
    assert not stale.ok and fresh.ok


def test_a_login_and_a_download_do_not_queue_behind_an_import(
    staffed: Engine, settings: Settings
) -> None:
    # An import holds the write lock for its whole run. PostgreSQL's row locks keep a login
    # and a download grant correct without it, so there they go ahead at once; SQLite has
    # one write lock, so there the login gives up after its bounded wait (the route then
    # answers "busy, try again"), never after the 30 s busy timeout.
    from core.security.downloads import collect_download, offer_download

    add_account(staffed, "wang", "officer", "OF1", must_change_password=False)
    with write_transaction(staffed) as importer:  # say, a long import
        importer.execute(text("UPDATE data_version SET version = version"))
        started = time.monotonic()
        if staffed.dialect.name == "postgresql":
            outcome = log_in(staffed, "wang", PASSWORD, settings, now=T0)
            assert outcome.token is not None
            user = current_user(staffed, outcome.token, settings, now=T0)
            assert user is not None
            token = offer_download(
                staffed,
                session_id=user.session_id,
                user_id=user.user_id,
                filename="a.csv",
                media_type="text/csv",
                content=b"x",
                ttl=MINUTE,
                now=T0,
            )
            got = collect_download(staffed, token, user.session_id, now=T0)
            assert got is not None and got.content == b"x"
            assert log_out(staffed, outcome.token, now=T0) is True
        else:
            with pytest.raises(OperationalError):
                log_in(staffed, "wang", PASSWORD, settings, now=T0)
        assert time.monotonic() - started < 10
