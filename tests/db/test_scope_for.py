"""Each role's scope, filtered in SQL; a broken staff link sees nothing; the demo accounts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select, text, update

from core.auth.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts
from core.auth.scope import Scope, scope_for
from core.auth.sessions import authenticate
from core.auth.users import change_password, list_users
from core.db.engine import write_transaction
from core.db.models import Staff
from tests.db.conftest import T0
from tests.db.helpers import add_account


@dataclass(frozen=True)
class Viewer:
    """A user as the session hands it over: a role and a staff link, right or wrong."""

    role: str
    staff_code: str | None


def _visible_officers(engine: Engine, scope: Scope) -> list[str]:
    with engine.connect() as conn:
        by_filter = conn.execute(
            select(Staff.staff_code)
            .where(Staff.role == "officer", scope.staff_filter())
            .order_by(Staff.staff_code)
        ).scalars()
        where, params = scope.staff_where("s")
        by_text = conn.execute(
            text(
                f"SELECT s.staff_code FROM staff s WHERE s.role = 'officer' AND {where} ORDER BY 1"
            ),
            params,
        ).scalars()
        codes = list(by_filter)
        assert codes == list(by_text)
    return codes


def test_each_role_sees_its_own_officers(staffed: Engine) -> None:
    with staffed.connect() as conn:
        scopes = {
            role: scope_for(conn, Viewer(role, code))
            for role, code in [
                ("admin", None),
                ("officer", "OF1"),
                ("team_leader", "TL1"),
                ("trainer", "TR1"),
            ]
        }
    assert scopes == {
        "admin": Scope.everyone(),
        "officer": Scope("officer", staff_code="OF1"),
        "team_leader": Scope("team", branch="城关支行", team="城关一组"),
        "trainer": Scope("trainer", staff_code="TR1"),
    }
    assert _visible_officers(staffed, scopes["admin"]) == ["OF1", "OF2"]
    assert _visible_officers(staffed, scopes["officer"]) == ["OF1"]
    assert _visible_officers(staffed, scopes["team_leader"]) == ["OF1", "OF2"]
    assert _visible_officers(staffed, scopes["trainer"]) == []


def test_a_missing_or_inconsistent_staff_link_sees_nothing(staffed: Engine) -> None:
    broken = [
        Viewer("officer", None),
        Viewer("officer", "OF9"),  # not on the staff list (any more)
        Viewer("officer", "TL1"),  # a team leader's code on an officer's account
        Viewer("team_leader", "OF1"),
        Viewer("trainer", "OF1"),
        Viewer("trainer", None),
        Viewer("superuser", "OF1"),
    ]
    with write_transaction(staffed) as conn:
        conn.execute(update(Staff).where(Staff.staff_code == "OF2").values(role="team_leader"))
        broken.append(Viewer("team_leader", "OF2"))  # a team leader without a team
        conn.execute(update(Staff).where(Staff.staff_code == "OF2").values(team=None))
        scopes = [scope_for(conn, viewer) for viewer in broken]
    assert set(scopes) == {Scope.nobody()}
    assert _visible_officers(staffed, Scope.nobody()) == []


def test_the_scope_follows_the_account(staffed: Engine) -> None:
    user = add_account(staffed, "li", "team_leader", "TL1")
    with staffed.connect() as conn:
        assert scope_for(conn, user) == Scope("team", branch="城关支行", team="城关一组")


def test_demo_accounts_on_the_base_portfolio(staffed: Engine) -> None:
    with write_transaction(staffed) as conn:
        accounts = ensure_demo_accounts(conn, T0)
    assert [(u.username, u.role, u.staff_code) for u in accounts] == [
        ("officer", "officer", "OF1"),
        ("leader", "team_leader", "TL1"),
        ("trainer", "trainer", "TR1"),
        ("admin", "admin", None),
    ]
    assert [u.display_name for u in accounts] == ["张伟", "李强", "王芳", "管理员"]
    assert not any(u.must_change_password for u in accounts)
    with write_transaction(staffed) as conn:
        assert all(authenticate(conn, u.username, DEMO_PASSWORD, T0).ok for u in accounts)
        officer_scope = scope_for(conn, accounts[0])
        leader_scope = scope_for(conn, accounts[1])
    assert _visible_officers(staffed, officer_scope) == ["OF1"]
    assert "OF1" in _visible_officers(staffed, leader_scope)  # the officer is in the team


def test_demo_accounts_are_reset_by_a_second_run(staffed: Engine) -> None:
    with write_transaction(staffed) as conn:
        ensure_demo_accounts(conn, T0)
        change_password(conn, "officer", DEMO_PASSWORD, "changed-it")
        for _ in range(5):
            authenticate(conn, "leader", "wrong-password", T0)
        conn.execute(text("UPDATE users SET active = :no WHERE username = 'admin'"), {"no": False})
    with write_transaction(staffed) as conn:
        again = ensure_demo_accounts(conn, T0)
        assert len(list_users(conn)) == 4
        assert all(u.active and not u.is_locked(T0) for u in again)
        assert all(authenticate(conn, u.username, DEMO_PASSWORD, T0).ok for u in again)
