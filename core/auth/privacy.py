"""Masking of borrowers' personal data for display: ID numbers and phone numbers, shown
masked to every role (the borrower file is the one place that shows them)."""

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
