"""Masking of borrowers' personal data for display: ID numbers always (except for admins),
phones and names where a role may see that a borrower exists but not who it is."""

from __future__ import annotations


def mask_id_number(id_number: str | None) -> str:
    """110101199001011237 → 110101********1237 (area code and last four kept)."""
    if not id_number:
        return ""
    text = id_number.strip()
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(phone: str | None) -> str:
    """13812345678 → 138****5678."""
    if not phone:
        return ""
    text = phone.strip()
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_name(name: str | None) -> str:
    """赵一二 → 赵**: the family name only."""
    if not name:
        return ""
    text = name.strip()
    return text[:1] + "*" * (len(text) - 1)


def shown_id_number(id_number: str | None, role: str) -> str:
    """The ID number as a person of `role` may see it: in full for admins only."""
    return (id_number or "") if role == "admin" else mask_id_number(id_number)
