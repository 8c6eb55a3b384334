"""Password hashing with argon2id (argon2-cffi's default, RFC 9106 low-memory profile).

Only hashes are ever stored. `verify_password` with no hash checks against a dummy hash,
so a login for an unknown username costs the same time as one for a real username and
the response time does not tell which usernames exist.
"""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
# A cap keeps a megabyte-long "password" from costing the server more than a real one.
MAX_LENGTH = 256

_HASHER = PasswordHasher(type=Type.ID)


# The rule a refused password broke: screens name it from their catalogues by `code`
# (with `n`), the command line prints the English.
_RULES = {
    "too_short": "A password needs at least {n} characters.",
    "too_long": "A password can have at most {n} characters.",
    "blank": "A password cannot be only spaces.",
}


class PasswordError(ValueError):
    """A new password does not meet the rules: `code` names which ("too_short",
    "too_long", "blank"), `values` fill its text; the message is the English text."""

    def __init__(self, code: str, **values: int) -> None:
        super().__init__(_RULES[code].format(**values))
        self.code = code
        self.values = values


def check_password_rules(password: str) -> None:
    """Raises PasswordError unless `password` is acceptable as a new password."""
    if len(password) < MIN_LENGTH:
        raise PasswordError("too_short", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise PasswordError("too_long", n=MAX_LENGTH)
    if not password.strip():
        raise PasswordError("blank")


def hash_password(password: str) -> str:
    """The argon2id hash of `password` (with its own random salt), after the rules."""
    check_password_rules(password)
    return _HASHER.hash(password)


@functools.cache
def _dummy_hash() -> str:
    # Computed once, with the same parameters as real hashes, on first use (not at import,
    # so that commands which never verify a password do not pay for it).
    return _HASHER.hash(secrets.token_urlsafe(16))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches `password_hash`; never raises on a mismatch.

    With `password_hash` None (an unknown user) it verifies against a dummy hash and
    returns False, taking as long as a real check.
    """
    # No stored password is longer than MAX_LENGTH: a longer one cannot match, but it
    # still costs one ordinary check.
    too_long = len(password) > MAX_LENGTH
    try:
        matched = _HASHER.verify(password_hash or _dummy_hash(), password[:MAX_LENGTH])
    except (VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None and not too_long


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older or weaker parameters than today's."""
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
