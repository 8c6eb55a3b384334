"""What the admin's users screen relies on in core: an admin cannot disable or demote
themselves, the staff codes offered for a role, and the last login per account."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from core.auth.directory import generate_password, linkable_staff, list_accounts
from core.auth.sessions import create_session
from core.auth.users import UserError, disable_user, set_role
from core.db.audit import load_audit
from core.db.engine import write_transaction
from core.settings import Settings
from tests.db.conftest import T0
from tests.db.helpers import add_account


def test_an_admin_cannot_disable_or_demote_themselves(staffed: Engine) -> None:
    add_account(staffed, "boss", "admin", None)
    add_account(staffed, "other", "admin", None)
    with write_transaction(staffed) as conn, pytest.raises(UserError, match="your own account"):
        disable_user(conn, "BOSS", actor="boss")
    with (
        write_transaction(staffed) as conn,
        pytest.raises(UserError, match="your own admin role"),
    ):
        set_role(conn, "boss", "officer", "OF1", actor="Boss")
    with write_transaction(staffed) as conn:
        # Changing one's own admin account without demoting it, and another admin, is fine.
        assert set_role(conn, "boss", "admin", None, actor="boss").role == "admin"
        assert set_role(conn, "other", "officer", "OF1", actor="boss").role == "officer"
        assert not disable_user(conn, "other", actor="boss").active
    with staffed.connect() as conn:
        actions = [(e.actor, e.action, e.entity_key) for e in load_audit(conn, limit=3)]
    assert actions == [
        ("boss", "user.disable", "other"),
        ("boss", "user.set_role", "other"),
        ("boss", "user.set_role", "boss"),
    ]
    with staffed.connect() as conn:
        boss = next(a.user for a in list_accounts(conn) if a.user.username == "boss")
    assert boss.active and boss.role == "admin"


def test_linkable_staff_are_those_of_the_role_without_an_account(staffed: Engine) -> None:
    add_account(staffed, "wang", "officer", "OF1")
    with staffed.connect() as conn:
        assert linkable_staff(conn, "officer") == ["OF2"]
        # An account being changed keeps its own link on offer.
        assert linkable_staff(conn, "officer", keep="OF1") == ["OF1", "OF2"]
        assert linkable_staff(conn, "officer", keep="TL1") == ["OF2"]
        assert linkable_staff(conn, "team_leader") == ["TL1"]
        assert linkable_staff(conn, "trainer") == ["TR1"]
        assert linkable_staff(conn, "admin") == []


def test_accounts_carry_their_last_login(staffed: Engine, settings: Settings) -> None:
    wang = add_account(staffed, "wang", "officer", "OF1")
    add_account(staffed, "li", "officer", "OF2")
    with write_transaction(staffed) as conn:
        create_session(conn, wang.id, T0, settings)
        create_session(conn, wang.id, T0 + dt.timedelta(hours=3), settings)
    with staffed.connect() as conn:
        last = {a.user.username: a.last_login for a in list_accounts(conn)}
    assert last == {"li": None, "wang": T0 + dt.timedelta(hours=3)}


def test_generated_passwords_are_long_random_and_unambiguous() -> None:
    made = {generate_password() for _ in range(50)}
    assert len(made) == 50
    assert all(len(p) == 12 and not set(p) & set("0O1lI") for p in made)
