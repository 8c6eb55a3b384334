"""How big each demo cooperative is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ScaleSpec:
    """The size of a demo cooperative.

    Loans are not fixed: about 1.4 per borrower follow from first loans and repeat loans
    over `history_months` of history.
    """

    officers: int
    borrowers: int
    branches: int = 3
    history_months: int = 36


SCALES: dict[str, ScaleSpec] = {
    "small": ScaleSpec(officers=20, borrowers=2_000),
    "medium": ScaleSpec(officers=200, borrowers=50_000),
    "large": ScaleSpec(officers=2_000, borrowers=500_000),
}
