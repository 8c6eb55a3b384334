"""Accounts for the load benchmark's sessions: one per simulated person of the demo.

`python -m core demo` makes four accounts (officer, leader, trainer, admin); twenty people
at once need more. Before each run the benchmark resets the demo accounts (as the demo
does) and adds or resets a `bench-<staff code>` account for each further officer, team
leader and trainer it needs (`bench-admin2`, ... for admins), in staff-code order. Only in
a demo database: without the demo accounts it refuses. Each run gives the bench accounts
a new random password that it keeps in memory only, so none is left with a known one; a
staff member whose account is not the demo's or the benchmark's is skipped.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, select

from core.auth.accounts import find_user
from core.auth.demo_accounts import (
    DEMO_PASSWORD,
    DEMO_USERNAMES,
    ensure_demo_accounts,
    reset_account,
)
from core.auth.roles import ROLES_BY_CODE
from core.auth.users import UserError, add_user
from core.db.models import Staff, User

PREFIX = "bench-"
ACTOR = "bench"


class LoadSetupError(Exception):
    """The database cannot give the benchmark its accounts (not a demo, no such staff)."""


@dataclass(frozen=True)
class Account:
    """A login of the benchmark: username and password."""

    username: str
    password: str


def _bench_account(
    conn: Connection,
    username: str,
    role: str,
    staff_code: str | None,
    display_name: str,
    password: str,
    now: dt.datetime,
) -> Account:
    if find_user(conn, username) is None:
        add_user(
            conn,
            username,
            display_name,
            role,
            staff_code,
            password,
            actor=ACTOR,
            must_change_password=False,
            now=now,
        )
    else:
        reset_account(conn, username, password, now, actor=ACTOR)
    return Account(username, password)


def _staff_accounts(
    conn: Connection, role: str, wanted: int, password: str, now: dt.datetime
) -> list[Account]:
    """Up to `wanted` accounts of distinct staff members of `role`, in staff-code order."""
    query = select(Staff.id, Staff.staff_code, Staff.name).where(Staff.role == role)
    if ROLES_BY_CODE[role].needs_team:  # an account of the role must link one with a team
        query = query.where(Staff.team.is_not(None))
    linked = {
        row.staff_id: row.username for row in conn.execute(select(User.staff_id, User.username))
    }
    accounts: list[Account] = []
    for staff_id, code, name in conn.execute(query.order_by(Staff.staff_code)):
        if len(accounts) == wanted:
            break
        username = linked.get(staff_id)
        if username in DEMO_USERNAMES:
            accounts.append(Account(username, DEMO_PASSWORD))
        elif username is None or username.startswith(PREFIX):
            try:
                bench_name = username or f"{PREFIX}{code.lower()}"
                accounts.append(_bench_account(conn, bench_name, role, code, name, password, now))
            except UserError:
                continue  # a staff code that makes no username, or its name is taken
    return accounts


def prepare_accounts(
    conn: Connection, mix: dict[str, int], now: dt.datetime
) -> dict[str, list[Account]]:
    """Role → the accounts its sessions log in with (at most one per person of the staff
    list; sessions share them in turn when the demo has fewer people than sessions).

    Refuses (LoadSetupError) a database without the four demo accounts, and a role with
    sessions but no one on the staff list to log in as."""
    missing = [name for name in DEMO_USERNAMES if find_user(conn, name) is None]
    if missing:
        raise LoadSetupError(
            "The load benchmark runs on a demo database only (made by `python -m core "
            f"demo`): this one has no demo account {', '.join(missing)}."
        )
    ensure_demo_accounts(conn, now, actor=ACTOR)
    password = secrets.token_urlsafe(18)
    accounts: dict[str, list[Account]] = {}
    for role, wanted in mix.items():
        if wanted == 0:
            continue
        if role == "admin":
            accounts[role] = [Account("admin", DEMO_PASSWORD)] + [
                _bench_account(conn, f"{PREFIX}admin{i}", "admin", None, "管理员", password, now)
                for i in range(2, wanted + 1)
            ]
        else:
            accounts[role] = _staff_accounts(conn, role, wanted, password, now)
        if not accounts[role]:
            raise LoadSetupError(f"No one with the role {role} on the staff list to log in as.")
    return accounts
