"""The load benchmark's accounts (bench/load_accounts.py), on SQLite and PostgreSQL: only in
a demo database, one per person of the staff list, a new random password each run, and
never a real person's account."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from bench.load_accounts import Account, LoadSetupError, prepare_accounts
from core.auth.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts
from core.auth.login import log_in
from core.auth.users import get_user
from core.db.engine import write_transaction
from core.db.models import User
from core.settings import load_settings
from tests.db.conftest import T0
from tests.db.helpers import add_account

MIX = {"officer": 2, "team_leader": 2, "trainer": 1, "admin": 3}


def _prepare(engine: Engine, mix: dict[str, int] = MIX) -> dict[str, list[Account]]:
    with write_transaction(engine) as conn:
        return prepare_accounts(conn, mix, T0)


def _logs_in(engine: Engine, account: Account) -> bool:
    return log_in(engine, account.username, account.password, load_settings({})).token is not None


def test_a_database_without_the_demo_accounts_is_refused(staffed: Engine) -> None:
    with pytest.raises(LoadSetupError, match="demo database only"):
        _prepare(staffed)
    with staffed.connect() as conn:  # and nothing was made
        assert conn.execute(select(User.username)).first() is None


def test_each_person_of_the_staff_list_gets_one_account_the_demo_ones_first(
    staffed: Engine,
) -> None:
    with write_transaction(staffed) as conn:
        ensure_demo_accounts(conn, T0)
    accounts = _prepare(staffed)
    names = {role: [a.username for a in found] for role, found in accounts.items()}
    # The base portfolio has two officers, one team leader and one trainer: two leader
    # sessions share the one leader's account; admins need no staff.
    assert names == {
        "officer": ["officer", "bench-of2"],
        "team_leader": ["leader"],
        "trainer": ["trainer"],
        "admin": ["admin", "bench-admin2", "bench-admin3"],
    }
    assert accounts["officer"][0].password == DEMO_PASSWORD
    bench = accounts["officer"][1]
    assert len(bench.password) >= 20 and bench.password != DEMO_PASSWORD
    assert accounts["admin"][2].password == bench.password  # one password per run
    with staffed.connect() as conn:
        of2 = get_user(conn, "bench-of2")
        admin2 = get_user(conn, "bench-admin2")
    assert (of2.role, of2.staff_code, of2.must_change_password) == ("officer", "OF2", False)
    assert (admin2.role, admin2.staff_code) == ("admin", None)
    for found in accounts.values():
        for account in found:
            assert _logs_in(staffed, account), account.username


def test_a_second_run_gives_the_bench_accounts_a_new_password_the_old_one_no_longer_works(
    staffed: Engine,
) -> None:
    with write_transaction(staffed) as conn:
        ensure_demo_accounts(conn, T0)
    first = _prepare(staffed)["officer"][1]
    second = _prepare(staffed)["officer"][1]
    assert first.username == second.username == "bench-of2"
    assert first.password != second.password
    assert not _logs_in(staffed, first)
    assert _logs_in(staffed, second)


def test_a_staff_member_with_a_real_persons_account_is_left_alone(staffed: Engine) -> None:
    with write_transaction(staffed) as conn:
        ensure_demo_accounts(conn, T0)
    add_account(staffed, "liu", "officer", "OF2")
    accounts = _prepare(staffed, {"officer": 2, "team_leader": 0, "trainer": 0, "admin": 0})
    assert [a.username for a in accounts["officer"]] == ["officer"]
    with staffed.connect() as conn:
        liu = get_user(conn, "liu")
    assert liu.must_change_password  # untouched: still the password it was given
    assert not _logs_in(staffed, Account("liu", accounts["officer"][0].password))
