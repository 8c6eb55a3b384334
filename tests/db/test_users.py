"""Login accounts: adding with checks, admin changes, the owner's own changes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select, update

from core.auth.passwords import PasswordError
from core.auth.sessions import authenticate, create_session, lookup_session
from core.auth.users import (
    UserError,
    add_user,
    change_password,
    disable_user,
    enable_user,
    get_user,
    list_users,
    reset_password,
    set_language,
    set_role,
)
from core.db.audit import load_audit
from core.db.engine import write_transaction
from core.db.models import User
from core.settings import Settings
from tests.db.conftest import T0
from tests.db.helpers import PASSWORD, add_account


def test_an_added_user_is_stored_lowercased_and_must_change_the_password(
    staffed: Engine,
) -> None:
    with write_transaction(staffed) as conn:
        user = add_user(
            conn, " Wang.Fang ", " 王芳 ", "officer", "OF1", PASSWORD, actor="cli", now=T0
        )
    assert user.username == "wang.fang" and user.display_name == "王芳"
    assert (user.role, user.staff_code, user.language) == ("officer", "OF1", "zh")
    assert user.active and user.failed_attempts == 0 and user.locked_until is None
    assert user.must_change_password and user.created_at == T0 == user.password_changed_at
    with staffed.connect() as conn:
        stored = conn.execute(select(User.password_hash)).scalar_one()
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        assert get_user(conn, "WANG.FANG") == user


def test_usernames_are_unique_whatever_the_case(staffed: Engine) -> None:
    add_account(staffed, "wang", "officer", "OF1")
    with pytest.raises(UserError, match="The username 'wang' is taken"):
        add_account(staffed, "WANG", "admin", None)


REFUSALS = [
    ("a", "boss", "OF1", "Unknown role 'boss': choose officer, team_leader, trainer, admin"),
    ("a", "officer", None, "the role officer must be linked to a staff code"),
    ("a", "trainer", "", "the role trainer must be linked"),
    ("a", "officer", "OF9", "No staff member has the code 'OF9'"),
    ("a", "team_leader", "OF2", "OF2 is on the staff list as officer, not team_leader"),
    ("a", "officer", "TL1", "TL1 is on the staff list as team_leader, not officer"),
    ("cli", "admin", None, "'cli' is reserved"),
    ("wang fang", "admin", None, "cannot be a username"),
    ("", "admin", None, "cannot be a username"),
]


def test_a_wrong_account_is_refused_and_nothing_is_written(staffed: Engine) -> None:
    # One database for every case: each refusal must leave it as it was.
    for username, role, staff, message in REFUSALS:
        with pytest.raises(UserError, match=message):
            add_account(staffed, username, role, staff)
    with staffed.connect() as conn:
        assert list_users(conn) == [] and load_audit(conn, action="user.add") == []


def test_other_refusals(staffed: Engine) -> None:
    with pytest.raises(PasswordError, match="at least 8 characters"):
        add_account(staffed, "short", "admin", None, password="1234567")
    with write_transaction(staffed) as conn, pytest.raises(UserError, match="display name"):
        add_user(conn, "x", "  ", "admin", None, PASSWORD, actor="cli")
    with write_transaction(staffed) as conn, pytest.raises(UserError, match="Unknown language"):
        add_user(conn, "x", "X", "admin", None, PASSWORD, actor="cli", language="fr")
    add_account(staffed, "zhang", "officer", "OF1")
    with pytest.raises(UserError, match="OF1 already has the account 'zhang'"):
        add_account(staffed, "other", "officer", "OF1")


def test_admins_and_trainers_link_as_their_role_allows(staffed: Engine) -> None:
    add_account(staffed, "root", "admin", None)
    add_account(staffed, "boss", "admin", "OF2")  # an admin may also be on the staff list
    add_account(staffed, "li", "team_leader", "TL1")
    add_account(staffed, "fang", "trainer", "TR1")
    with staffed.connect() as conn:
        assert [(u.username, u.role, u.staff_code) for u in list_users(conn)] == [
            ("boss", "admin", "OF2"),
            ("fang", "trainer", "TR1"),
            ("li", "team_leader", "TL1"),
            ("root", "admin", None),
        ]


def test_disable_ends_sessions_and_enable_lets_in_again(
    staffed: Engine, settings: Settings
) -> None:
    user = add_account(staffed, "wang", "officer", "OF1")
    with write_transaction(staffed) as conn:
        token = create_session(conn, user.id, T0, settings)
        disabled = disable_user(conn, "wang", actor="admin", now=T0)
        assert not disabled.active
        assert lookup_session(conn, token, T0, settings) is None
        assert authenticate(conn, "wang", PASSWORD, T0).outcome == "invalid"
        assert enable_user(conn, "wang", actor="admin", now=T0).active
        assert authenticate(conn, "wang", PASSWORD, T0).ok
        assert lookup_session(conn, token, T0, settings) is None  # ended for good


def test_reset_password_forces_a_change_lifts_the_lockout_and_ends_sessions(
    staffed: Engine, settings: Settings
) -> None:
    user = add_account(staffed, "wang", "officer", "OF1", must_change_password=False)
    later = T0 + dt.timedelta(hours=1)
    with write_transaction(staffed) as conn:
        token = create_session(conn, user.id, T0, settings)
        for _ in range(5):
            authenticate(conn, "wang", "not-the-password", later)
        assert authenticate(conn, "wang", PASSWORD, later).retry_at is not None  # throttled
        reset = reset_password(conn, "Wang", "brand-new-pw", actor="admin", now=later)
    assert reset.must_change_password and reset.failed_attempts == 0
    assert reset.locked_until is None and reset.password_changed_at == later
    with write_transaction(staffed) as conn:
        assert lookup_session(conn, token, T0, settings) is None
        assert not authenticate(conn, "wang", PASSWORD, later).ok
        result = authenticate(conn, "wang", "brand-new-pw", later)
    assert result.ok and result.user is not None and result.user.must_change_password


def test_set_role_checks_the_link_like_add(staffed: Engine) -> None:
    add_account(staffed, "li", "officer", "OF2")
    with write_transaction(staffed) as conn:
        changed = set_role(conn, "li", "team_leader", "TL1", actor="admin")
        assert (changed.role, changed.staff_code) == ("team_leader", "TL1")
        assert set_role(conn, "li", "team_leader", "TL1", actor="admin").staff_code == "TL1"
        with pytest.raises(UserError, match="the role team_leader must be linked"):
            set_role(conn, "li", "team_leader", None, actor="admin")
        assert set_role(conn, "li", "admin", None, actor="admin").staff_code is None
    with (
        pytest.raises(UserError, match="There is no user called 'nobody'"),
        write_transaction(staffed) as conn,
    ):
        set_role(conn, "nobody", "admin", None, actor="admin")


def test_changing_the_own_password_clears_the_must_change_flag(staffed: Engine) -> None:
    add_account(staffed, "wang", "officer", "OF1")
    with write_transaction(staffed) as conn:
        with pytest.raises(UserError, match="The current password is wrong"):
            change_password(conn, "wang", "guess-guess", "another-pw")
        with pytest.raises(UserError, match="must differ"):
            change_password(conn, "wang", PASSWORD, PASSWORD)
        with pytest.raises(PasswordError):
            change_password(conn, "wang", PASSWORD, "short")
        changed = change_password(conn, "wang", PASSWORD, "my-own-password", now=T0)
    assert not changed.must_change_password and changed.password_changed_at == T0
    with write_transaction(staffed) as conn:
        assert authenticate(conn, "wang", "my-own-password", T0).ok


def test_language_is_the_owners_choice(staffed: Engine) -> None:
    add_account(staffed, "wang", "officer", "OF1")
    with write_transaction(staffed) as conn:
        assert set_language(conn, "wang", "en").language == "en"
        assert set_language(conn, "wang", "en").language == "en"  # no change, no audit row
        with pytest.raises(UserError, match="Unknown language 'fr'"):
            set_language(conn, "wang", "fr")
        assert [a.action for a in load_audit(conn, action="user.set_language")] == [
            "user.set_language"
        ]
        assert conn.execute(select(func.count()).select_from(User)).scalar_one() == 1
        conn.execute(update(User).values(language="zh"))
