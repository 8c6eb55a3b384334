"""Money is integer cents in the database and Decimal yuan in Python; never a float."""

from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")


def cents_to_yuan(cents: int) -> Decimal:
    """12345 → Decimal('123.45'), exactly."""
    return (Decimal(cents) / 100).quantize(CENT)


def yuan_to_cents(yuan: Decimal) -> int:
    """Decimal('123.45') → 12345; refuses fractions of a cent."""
    cents = yuan * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{yuan} has fractions of a cent")
    return int(cents)
