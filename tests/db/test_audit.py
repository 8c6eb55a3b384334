"""The audit trail: every write leaves who, when, what, before and after; no secrets."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, text

from core.auth.demo_accounts import ensure_demo_accounts
from core.auth.session_ends import revoke_session
from core.auth.sessions import authenticate, create_session
from core.auth.users import (
    add_user,
    change_password,
    disable_user,
    enable_user,
    reset_password,
    set_language,
    set_role,
)
from core.db.audit import load_audit, record
from core.db.engine import write_transaction
from core.settings import Settings
from tests.db.conftest import T0

MINUTE = dt.timedelta(minutes=1)
SECRETS = ("first-password", "second-password", "third-password", "wrong-password")


def _at(i: int) -> dt.datetime:
    return T0 + i * MINUTE


def test_every_write_is_audited_without_any_secret(staffed: Engine, settings: Settings) -> None:
    with write_transaction(staffed) as conn:
        add_user(conn, "wang", "王芳", "officer", "OF1", SECRETS[0], actor="cli", now=_at(0))
        change_password(conn, "wang", SECRETS[0], SECRETS[1], now=_at(1))
        set_language(conn, "wang", "en", now=_at(2))
        set_role(conn, "wang", "officer", "OF2", actor="admin", now=_at(3))
        authenticate(conn, "wang", SECRETS[3], _at(4))
        for i in range(4):
            authenticate(conn, "wang", SECRETS[3], _at(5 + i))
        reset_password(conn, "wang", SECRETS[2], actor="admin", now=_at(10))
        assert authenticate(conn, "wang", SECRETS[2], _at(11)).ok
        user_id = conn.execute(text("SELECT id FROM users")).scalar_one()
        token = create_session(conn, user_id, _at(11), settings, user_agent="Chromium")
        revoke_session(conn, token, _at(12))
        create_session(conn, user_id, _at(13), settings)
        disable_user(conn, "wang", actor="admin", now=_at(14))
        enable_user(conn, "wang", actor="admin", now=_at(15))
        tokens = [token]
    with staffed.connect() as conn:
        # The fixture's import of the portfolio is audited too; this test is about accounts.
        entries = [e for e in reversed(load_audit(conn)) if not e.action.startswith("import")]
        raw = [tuple(row) for row in conn.execute(text("SELECT * FROM audit_log"))]
    assert [(e.action, e.actor, e.at) for e in entries] == [
        ("user.add", "cli", _at(0)),
        ("user.change_password", "wang", _at(1)),
        ("user.set_language", "wang", _at(2)),
        ("user.set_role", "admin", _at(3)),
        # Five failures in a row: the throttle slows the address down, nothing is locked.
        *[("user.login_failed", "system", _at(4 + i)) for i in range(5)],
        ("user.reset_password", "admin", _at(10)),
        ("session.create", "wang", _at(11)),
        ("session.revoke", "wang", _at(12)),
        ("session.create", "wang", _at(13)),
        ("session.revoke_all", "admin", _at(14)),
        ("user.disable", "admin", _at(14)),
        ("user.enable", "admin", _at(15)),
    ]
    by_action = {e.action: e for e in entries}
    added = by_action["user.add"]
    assert (added.entity, added.entity_key, added.before) == ("user", "wang", None)
    assert added.after is not None
    assert added.after["role"] == "officer" and added.after["staff_code"] == "OF1"
    assert added.after["must_change_password"] is True
    moved = by_action["user.set_role"]
    assert moved.before and moved.after
    assert (moved.before["staff_code"], moved.after["staff_code"]) == ("OF1", "OF2")
    assert by_action["session.revoke_all"].after == {"sessions_revoked": 1}
    for row in raw:
        for value in map(str, row):
            assert "argon2" not in value and "password_hash" not in value, row
            assert not any(s in value for s in (*SECRETS, *tokens)), row


def test_the_reset_password_audit_shows_the_forced_change(staffed: Engine) -> None:
    with write_transaction(staffed) as conn:
        add_user(
            conn, "li", "李强", "admin", None, SECRETS[0], actor="cli", must_change_password=False
        )
        reset_password(conn, "li", SECRETS[1], actor="cli")
        [entry] = load_audit(conn, action="user.reset_password")
    assert entry.before and entry.after
    assert (entry.before["must_change_password"], entry.after["must_change_password"]) == (
        False,
        True,
    )


def test_demo_accounts_are_audited(staffed: Engine) -> None:
    with write_transaction(staffed) as conn:
        ensure_demo_accounts(conn, T0)
        ensure_demo_accounts(conn, _at(1))
        actions = [(e.action, e.entity_key) for e in load_audit(conn) if e.entity == "user"]
    names = ("officer", "leader", "trainer", "admin")
    assert sorted(actions) == sorted(
        [("user.add", n) for n in names] + [("user.demo_reset", n) for n in names]
    )


def test_record_drops_secrets_at_any_depth(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        record(
            conn,
            actor="system",
            action="test.write",
            entity="thing",
            entity_key="k1",
            before={"password": "x", "name": "a", "nested": [{"token": "t", "ok": 1}]},
            after={"password_hash": "$argon2id$…", "name": "b", "on": dt.date(2026, 3, 2)},
            at=T0,
        )
        [entry] = load_audit(conn)
    assert entry.before == {"name": "a", "nested": [{"ok": 1}]}
    assert entry.after == {"name": "b", "on": "2026-03-02"}
    assert entry.at == T0 and (entry.actor, entry.entity, entry.entity_key) == (
        "system",
        "thing",
        "k1",
    )


def test_load_audit_filters_in_sql_newest_first(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        for i, (actor, action) in enumerate(
            [
                ("cli", "user.add"),
                ("admin", "user.add"),
                ("admin", "user.disable"),
                ("cli", "import"),
            ]
        ):
            record(
                conn,
                actor=actor,
                action=action,
                entity="user",
                entity_key=f"u{i}",
                before=None,
                after={"i": i},
                at=_at(i),
            )
    with engine.connect() as conn:
        assert [e.entity_key for e in load_audit(conn)] == ["u3", "u2", "u1", "u0"]
        assert [e.entity_key for e in load_audit(conn, actor="admin")] == ["u2", "u1"]
        assert [e.entity_key for e in load_audit(conn, action="user.add")] == ["u1", "u0"]
        window = load_audit(conn, since=_at(1), until=_at(3))
        assert [e.entity_key for e in window] == ["u2", "u1"]
        assert [e.entity_key for e in load_audit(conn, limit=1)] == ["u3"]
        assert load_audit(conn, actor="admin", action="import") == []
        beijing = dt.timezone(dt.timedelta(hours=8))
        assert [e.entity_key for e in load_audit(conn, since=_at(3).astimezone(beijing))] == ["u3"]
