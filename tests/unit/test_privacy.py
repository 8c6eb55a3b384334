"""Personal data is masked for display."""

from __future__ import annotations

import pytest

from core.auth.privacy import mask_id_number, mask_name, mask_phone, shown_id_number


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("110101199001011237", "110101********1237"),
        ("11010119900101123X", "110101********123X"),
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_id_numbers(raw: str | None, shown: str) -> None:
    assert mask_id_number(raw) == shown


def test_phones_and_names() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("12345") == "*****"
    assert mask_name("赵一二") == "赵**"
    assert mask_name(None) == ""


def test_only_admins_see_id_numbers_in_full() -> None:
    assert shown_id_number("110101199001011237", "admin") == "110101199001011237"
    for role in ("officer", "team_leader", "trainer"):
        assert shown_id_number("110101199001011237", role) == "110101********1237"
