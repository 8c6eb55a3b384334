"""Password hashing: argon2id, a clear rule on length, and no exceptions on a mismatch."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type, extract_parameters

from core.auth import passwords
from core.auth.passwords import (
    MAX_LENGTH,
    PasswordError,
    hash_password,
    needs_rehash,
    verify_password,
)


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password("correct horse")


def test_hashes_are_argon2id_salted_and_verify(stored: str) -> None:
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert hash_password("correct horse") != stored  # a fresh salt every time
    assert verify_password(stored, "correct horse") is True
    assert verify_password(stored, "correct horsE") is False
    assert needs_rehash(stored) is False


def test_verify_never_raises(stored: str) -> None:
    assert verify_password("not a hash", "correct horse") is False
    assert verify_password("", "correct horse") is False
    assert verify_password(stored, "") is False
    assert verify_password(stored, "correct horse" + "x" * MAX_LENGTH) is False


def test_an_unknown_user_is_checked_against_a_dummy_hash_of_the_same_cost(stored: str) -> None:
    assert verify_password(None, "correct horse") is False
    dummy = passwords._dummy_hash()
    assert extract_parameters(dummy) == extract_parameters(stored)
    assert extract_parameters(dummy).type is Type.ID


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("1234567", "A password needs at least 8 characters."),
        ("", "A password needs at least 8 characters."),
        (" " * 9, "A password cannot be only spaces."),
        ("x" * (MAX_LENGTH + 1), f"A password can have at most {MAX_LENGTH} characters."),
    ],
)
def test_unacceptable_passwords_are_refused_clearly(password: str, message: str) -> None:
    with pytest.raises(PasswordError) as error:
        hash_password(password)
    assert str(error.value) == message


def test_eight_characters_are_enough_including_chinese() -> None:
    assert verify_password(hash_password("12345678"), "12345678")
    assert verify_password(hash_password("我的密码很安全吗"), "我的密码很安全吗")


def test_weaker_or_broken_hashes_need_a_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    old = weak.hash("correct horse")
    assert verify_password(old, "correct horse")  # still accepted, then upgraded at login
    assert needs_rehash(old) is True
    assert needs_rehash("garbage") is True
