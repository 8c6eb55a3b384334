"""What ends a person's sessions: a password change ends every other one (the tab it was
made from stays), and a reset, disabling, a new role or a new staff link end them all,
whether an admin does it on the Users page or on the command line (both call the same
core functions, so the command line stands for both here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Connection, Engine

from core.auth.demo_accounts import ensure_demo_accounts
from core.auth.sessions import create_session, lookup_session
from core.auth.users import change_password, disable_user, get_user, reset_password, set_role
from core.cli.main import main
from core.db.audit import load_audit
from core.db.engine import write_transaction
from core.settings import Settings
from tests.db.conftest import T0
from tests.db.helpers import PASSWORD, add_account

LATER = T0 + dt.timedelta(minutes=5)


def _sessions(engine: Engine, username: str, settings: Settings, now: dt.datetime) -> list[str]:
    """Three open sessions of `username` (three browsers), their tokens."""
    with write_transaction(engine) as conn:
        user_id = get_user(conn, username).id
        return [create_session(conn, user_id, now, settings) for _ in range(3)]


def _alive(engine: Engine, tokens: list[str], settings: Settings, now: dt.datetime) -> list[bool]:
    with engine.connect() as conn:
        return [lookup_session(conn, token, now, settings) is not None for token in tokens]


def test_changing_ones_own_password_ends_every_other_session_but_keeps_this_one(
    staffed: Engine, settings: Settings
) -> None:
    add_account(staffed, "wang", "officer", "OF1", must_change_password=False)
    add_account(staffed, "li", "officer", "OF2")
    here, *elsewhere = _sessions(staffed, "wang", settings, T0)
    (someone_else,) = _sessions(staffed, "li", settings, T0)[:1]
    with write_transaction(staffed) as conn:
        me = lookup_session(conn, here, T0, settings)
        assert me is not None
        change_password(
            conn, "wang", PASSWORD, "a-brand-new-one", keep_session_id=me.session_id, now=LATER
        )
    assert _alive(staffed, [here, *elsewhere, someone_else], settings, LATER) == [
        True,
        False,
        False,
        True,
    ]
    with staffed.connect() as conn:
        (ended,) = load_audit(conn, action="session.revoke_others")
    assert (ended.actor, ended.entity_key, ended.at) == ("wang", "wang", LATER)
    assert ended.after == {"sessions_revoked": 2, "kept_session": me.session_id}


def test_a_password_change_without_a_session_to_keep_ends_them_all(
    staffed: Engine, settings: Settings
) -> None:
    add_account(staffed, "wang", "officer", "OF1", must_change_password=False)
    tokens = _sessions(staffed, "wang", settings, T0)
    with write_transaction(staffed) as conn:
        change_password(conn, "wang", PASSWORD, "a-brand-new-one", now=LATER)
    assert _alive(staffed, tokens, settings, LATER) == [False, False, False]


def _reset(conn: Connection) -> None:
    reset_password(conn, "wang", "reset-by-admin", actor="admin", now=LATER)


def _disable(conn: Connection) -> None:
    disable_user(conn, "wang", actor="admin", now=LATER)


def _new_role(conn: Connection) -> None:
    set_role(conn, "wang", "team_leader", "TL1", actor="admin", now=LATER)


def _new_staff_link(conn: Connection) -> None:
    set_role(conn, "wang", "officer", "OF2", actor="admin", now=LATER)


@pytest.mark.parametrize(
    "change",
    [_reset, _disable, _new_role, _new_staff_link],
    ids=["password reset", "disabled", "new role", "new staff link"],
)
def test_an_admins_change_to_an_account_ends_all_its_sessions(
    staffed: Engine, settings: Settings, change: Callable[[Connection], None]
) -> None:
    add_account(staffed, "wang", "officer", "OF1", must_change_password=False)
    add_account(staffed, "li", "admin", None)
    tokens = _sessions(staffed, "wang", settings, T0)
    (bystander,) = _sessions(staffed, "li", settings, T0)[:1]
    with write_transaction(staffed) as conn:
        change(conn)
    assert _alive(staffed, [*tokens, bystander], settings, LATER) == [False, False, False, True]
    with staffed.connect() as conn:
        (ended,) = load_audit(conn, action="session.revoke_all")
    assert (ended.actor, ended.entity_key, ended.after) == (
        "admin",
        "wang",
        {"sessions_revoked": 3},
    )


def test_saving_the_same_role_and_staff_link_keeps_the_sessions(
    staffed: Engine, settings: Settings
) -> None:
    add_account(staffed, "wang", "officer", "OF1", must_change_password=False)
    tokens = _sessions(staffed, "wang", settings, T0)
    with write_transaction(staffed) as conn:
        set_role(conn, "wang", "officer", "OF1", actor="admin", now=LATER)
    assert _alive(staffed, tokens, settings, LATER) == [True, True, True]


@pytest.mark.parametrize(
    "command",
    [
        "users set-role wang team_leader --staff TL1",
        "users set-role wang officer --staff OF2",
        "users reset-password wang --password reset-by-cli",
        "users disable wang",
    ],
)
def test_the_command_lines_account_changes_end_the_sessions_too(
    staffed: Engine,
    database_url: str,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    add_account(staffed, "wang", "officer", "OF1", must_change_password=False)
    now = dt.datetime.now(dt.UTC)  # the command writes at the clock's time
    tokens = _sessions(staffed, "wang", settings, now)
    assert main(command.split()) == 0, capsys.readouterr().err
    assert _alive(staffed, tokens, settings, dt.datetime.now(dt.UTC)) == [False, False, False]


def test_resetting_the_demo_accounts_ends_their_sessions(
    staffed: Engine, settings: Settings
) -> None:
    with write_transaction(staffed) as conn:
        ensure_demo_accounts(conn, T0)
    tokens = _sessions(staffed, "officer", settings, T0)
    with write_transaction(staffed) as conn:
        ensure_demo_accounts(conn, LATER)
    assert _alive(staffed, tokens, settings, LATER) == [False, False, False]
