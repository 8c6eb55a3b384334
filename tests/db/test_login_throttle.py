"""The login throttle (core.auth.throttle): a guesser is slowed down, never the real person.

Every test runs on SQLite and PostgreSQL; times are hand-set (T0 plus minutes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from core.auth import passwords, sessions
from core.auth.login import log_in
from core.auth.sessions import WRONG_CREDENTIALS, AuthResult, authenticate
from core.auth.throttle import KEEP, backoff
from core.auth.users import reset_password
from core.db.engine import write_transaction
from core.security.models import LoginAttempt
from core.settings import Settings
from tests.db.conftest import T0
from tests.db.helpers import PASSWORD, add_account

MINUTE = dt.timedelta(minutes=1)
SECOND = dt.timedelta(seconds=1)
GUESSER = "203.0.113.9"
OFFICE = "198.51.100.20"


@pytest.fixture
def admin(engine: Engine, cheap_passwords: None) -> Iterator[Engine]:
    """A database with one account, `admin` (password PASSWORD)."""
    add_account(engine, "admin", "admin", None)
    yield engine


def _try(
    engine: Engine, username: str, password: str, at: dt.datetime, address: str = GUESSER
) -> AuthResult:
    with write_transaction(engine) as conn:
        return authenticate(conn, username, password, at, address=address)


def _guess(engine: Engine, times: int, start: dt.datetime, username: str = "admin") -> dt.datetime:
    """`times` wrong passwords from GUESSER, each as soon as the throttle lets it be
    checked (so every one counts); returns when the last one was made."""
    at = last = start
    for _ in range(times):
        result = _try(engine, username, "wrong-password", at)
        assert not result.ok and result.user is None
        last = at
        at = max(at + SECOND, result.retry_at or at)
    return last


def test_the_back_off_starts_at_the_fifth_failure_and_doubles_to_an_hour() -> None:
    assert [backoff(n) for n in range(5)] == [None] * 5
    assert [backoff(n) for n in (5, 6, 7, 8, 9, 10)] == [
        MINUTE,
        2 * MINUTE,
        4 * MINUTE,
        8 * MINUTE,
        16 * MINUTE,
        32 * MINUTE,
    ]
    assert backoff(11) == backoff(12) == backoff(1000) == 60 * MINUTE


def test_a_guesser_is_refused_with_a_growing_wait_even_with_the_right_password(
    admin: Engine,
) -> None:
    for i in range(4):
        failed = _try(admin, "admin", "wrong-password", T0 + i * SECOND)
        assert (failed.outcome, failed.message, failed.retry_at) == (
            "invalid",
            WRONG_CREDENTIALS,
            None,
        )
    fifth = _try(admin, "admin", "wrong-password", T0 + 4 * SECOND)
    assert fifth.retry_at == T0 + 4 * SECOND + MINUTE  # the fifth failure starts the wait
    # During the wait the right password gets the wrong-password answer: a guesser cannot
    # tell a right guess from a wrong one, and the refusal is not counted.
    refused = _try(admin, "admin", PASSWORD, T0 + 30 * SECOND)
    assert (refused.outcome, refused.message, refused.user) == ("invalid", WRONG_CREDENTIALS, None)
    assert refused.retry_at == T0 + 64 * SECOND
    assert not _try(admin, "admin", PASSWORD, T0 + 63 * SECOND).ok
    # After the wait one more guess: wrong again, so the next wait is twice as long.
    sixth = _try(admin, "admin", "wrong-password", T0 + 64 * SECOND)
    assert sixth.retry_at == T0 + 64 * SECOND + 2 * MINUTE
    seventh = _try(admin, "admin", "wrong-password", T0 + 64 * SECOND + 2 * MINUTE)
    assert seventh.retry_at == T0 + 64 * SECOND + 2 * MINUTE + 4 * MINUTE
    with admin.connect() as conn:  # refused attempts left no row: 7 checked, 7 rows
        assert conn.execute(select(func.count()).select_from(LoginAttempt)).scalar_one() == 7
    assert _try(admin, "admin", PASSWORD, T0 + 64 * SECOND + 6 * MINUTE).ok


def test_the_victim_logs_in_at_once_from_another_address_while_the_guesser_waits(
    admin: Engine,
) -> None:
    last = _guess(admin, 12, T0)  # the guesser is at the one-hour cap
    assert last == T0 + 4 * SECOND + (1 + 2 + 4 + 8 + 16 + 32 + 60) * MINUTE
    assert not _try(admin, "admin", PASSWORD, last + MINUTE).ok
    victim = _try(admin, "admin", PASSWORD, last + MINUTE, address=OFFICE)
    assert victim.ok and victim.user is not None and victim.user.username == "admin"
    assert victim.retry_at is None
    # The victim's success does nothing for the guesser's address.
    assert _try(admin, "admin", PASSWORD, last + 2 * MINUTE).retry_at == last + 60 * MINUTE


def test_a_success_from_the_address_clears_its_count(admin: Engine) -> None:
    _guess(admin, 4, T0)
    assert _try(admin, "admin", PASSWORD, T0 + MINUTE).ok
    _guess(admin, 4, T0 + 2 * MINUTE)  # 4 + 4 failures, never 5 in a row
    assert _try(admin, "admin", PASSWORD, T0 + 3 * MINUTE).ok
    _guess(admin, 5, T0 + 4 * MINUTE)
    assert not _try(admin, "admin", PASSWORD, T0 + 4 * MINUTE + 30 * SECOND).ok


def test_an_address_spraying_many_usernames_is_refused_for_fifteen_minutes(
    admin: Engine,
) -> None:
    # Three failures on each of ten usernames: no account reaches the back-off, but the
    # address reaches 30 failures within 15 minutes with the last one.
    at = T0
    for i in range(10):
        for _ in range(3):
            result = _try(admin, f"user{i}", "wrong-password", at)
            at += 10 * SECOND
    last = at - 10 * SECOND
    assert result.retry_at == last + 15 * MINUTE
    # Refused for every account, admin's right password included.
    assert _try(admin, "admin", PASSWORD, last + 14 * MINUTE).retry_at == last + 15 * MINUTE
    # Another address is not affected at all.
    assert _try(admin, "admin", PASSWORD, last + MINUTE, address=OFFICE).ok
    # Once the 15 minutes are over the address may try again.
    assert _try(admin, "admin", PASSWORD, last + 15 * MINUTE).ok


def test_failures_spread_over_more_than_fifteen_minutes_never_block_the_address(
    admin: Engine,
) -> None:
    for i in range(40):  # one failure a minute on ever new usernames
        assert _try(admin, f"user{i}", "wrong-password", T0 + i * MINUTE).retry_at is None
    assert _try(admin, "admin", PASSWORD, T0 + 40 * MINUTE).ok


def test_usernames_are_counted_folded_to_lower_case(admin: Engine) -> None:
    for i, name in enumerate(["admin", "ADMIN", " Admin ", "aDmIn", "admin"]):
        _try(admin, name, "wrong-password", T0 + i * SECOND)
    assert _try(admin, "Admin", PASSWORD, T0 + 10 * SECOND).retry_at == T0 + 4 * SECOND + MINUTE
    with admin.connect() as conn:
        names = set(conn.execute(select(LoginAttempt.username)).scalars())
    assert names == {"admin"}


def test_a_throttled_attempt_costs_the_same_hashing_work(
    admin: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _guess(admin, 5, T0)
    checked: list[str | None] = []
    real_verify = passwords.verify_password

    def verify(password_hash: str | None, password: str) -> bool:
        checked.append(password_hash)
        return real_verify(password_hash, password)

    monkeypatch.setattr(sessions, "verify_password", verify)
    assert not _try(admin, "admin", PASSWORD, T0 + 10 * SECOND).ok
    assert not _try(admin, "nobody", PASSWORD, T0 + 10 * SECOND).ok
    assert len(checked) == 2 and checked[0] is not None and checked[1] is None


def test_an_admin_password_reset_lets_the_owner_in_from_the_throttled_address(
    admin: Engine,
) -> None:
    last = _guess(admin, 8, T0)
    assert not _try(admin, "admin", PASSWORD, last + MINUTE).ok
    with write_transaction(admin) as conn:
        reset_password(conn, "admin", "fresh-password", actor="cli", now=last + MINUTE)
    assert _try(admin, "admin", "fresh-password", last + MINUTE).ok


def test_attempts_older_than_a_day_are_swept(admin: Engine) -> None:
    _guess(admin, 5, T0)
    _try(admin, "admin", PASSWORD, T0 + KEEP + MINUTE)
    with admin.connect() as conn:
        rows = conn.execute(select(LoginAttempt.at, LoginAttempt.succeeded)).all()
    assert len(rows) == 1 and rows[0].succeeded


def test_log_in_records_the_client_address(admin: Engine, settings: Settings) -> None:
    outcome = log_in(admin, "admin", PASSWORD, settings, address="192.0.2.7", now=T0)
    assert outcome.token
    with admin.connect() as conn:
        row = conn.execute(
            select(LoginAttempt.address, LoginAttempt.username, LoginAttempt.succeeded)
        ).one()
    assert tuple(row) == ("192.0.2.7", "admin", True)
