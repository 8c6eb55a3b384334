"""The login throttle: slows a password guesser down without locking out the real person.

Every login attempt is a row of login_attempts (address, username folded to lower case,
whether it succeeded). The throttle reads them back, in the database so that every app
process agrees:

- Per address and account: after FREE_FAILURES failures in a row from one address for one
  username (counted since that address's last success for it), the address must wait
  FIRST_DELAY after its latest failure, doubling with every further failure up to MAX_DELAY.
- Per address, across all usernames: an address with ADDRESS_LIMIT failures within
  ADDRESS_WINDOW is refused for ADDRESS_BLOCK after its latest failure (a guesser spraying
  one password over many usernames).

An address with no recent failures is therefore never refused because of someone else's
guessing: the account itself is never locked. Refused attempts are not recorded, so they
neither count nor extend the wait. Rows older than KEEP are deleted at every attempt.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, func, insert, select

from core.auth.accounts import normalise_username
from core.localtime import utc
from core.security.models import LoginAttempt

FREE_FAILURES = 5
FIRST_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=1)
ADDRESS_LIMIT = 30
ADDRESS_WINDOW = dt.timedelta(minutes=15)
ADDRESS_BLOCK = dt.timedelta(minutes=15)
# Longer than every look-back above: older rows can no longer change an answer.
KEEP = dt.timedelta(hours=24)
# The column widths of login_attempts.
_ADDRESS_WIDTH = 64
_USERNAME_WIDTH = 256


def _address(address: str | None) -> str:
    return (address or "unknown")[:_ADDRESS_WIDTH]


def _username(username: str) -> str:
    return normalise_username(username)[:_USERNAME_WIDTH]


def backoff(failures_in_a_row: int) -> dt.timedelta | None:
    """How long an address waits after its latest failure for an account, given its
    failures in a row for it: None below FREE_FAILURES, then 1, 2, 4 … minutes, capped."""
    if failures_in_a_row < FREE_FAILURES:
        return None
    doublings = min(failures_in_a_row - FREE_FAILURES, 12)  # 2**12 minutes > MAX_DELAY
    delay: dt.timedelta = min(FIRST_DELAY * 2**doublings, MAX_DELAY)
    return delay


def refused_until(
    conn: Connection, address: str | None, username: str, now: dt.datetime
) -> dt.datetime | None:
    """When this address may try this username again, or None when it may try now."""
    address, username = _address(address), _username(username)
    waits = [_pair_until(conn, address, username), _address_until(conn, address)]
    until = max((w for w in waits if w is not None), default=None)
    return until if until is not None and until > now else None


def _pair_until(conn: Connection, address: str, username: str) -> dt.datetime | None:
    pair = [LoginAttempt.address == address, LoginAttempt.username == username]
    last_success = conn.execute(
        select(func.max(LoginAttempt.at)).where(*pair, LoginAttempt.succeeded.is_(True))
    ).scalar()
    if last_success is not None:
        pair.append(LoginAttempt.at > last_success)
    failures, latest = conn.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            *pair, LoginAttempt.succeeded.is_(False)
        )
    ).one()
    wait = backoff(int(failures))
    return utc(latest) + wait if wait is not None and latest is not None else None


def _address_until(conn: Connection, address: str) -> dt.datetime | None:
    latest = conn.execute(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.address == address, LoginAttempt.succeeded.is_(False)
        )
    ).scalar()
    if latest is None:
        return None
    latest = utc(latest)
    recent = conn.execute(
        select(func.count()).where(
            LoginAttempt.address == address,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at > latest - ADDRESS_WINDOW,
        )
    ).scalar_one()
    return latest + ADDRESS_BLOCK if recent >= ADDRESS_LIMIT else None


def record_attempt(
    conn: Connection, address: str | None, username: str, succeeded: bool, now: dt.datetime
) -> None:
    """Records an attempt that was checked (not one refused by the throttle) and deletes
    the rows too old to matter, so the table stays small."""
    conn.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEEP))
    conn.execute(
        insert(LoginAttempt).values(
            at=now, address=_address(address), username=_username(username), succeeded=succeeded
        )
    )


def clear_throttle(conn: Connection, username: str) -> int:
    """Forgets every attempt on a username (an admin reset or enable lets its owner in at
    once, from any address); returns how many rows went."""
    return int(
        conn.execute(
            delete(LoginAttempt).where(LoginAttempt.username == _username(username))
        ).rowcount
    )
