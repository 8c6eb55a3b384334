"""The sessions of the load benchmark (`python -m bench --load N`): how many of each role,
and the pages each role opens.

The mix is the one the scale-and-load issue measured, 20 sessions as 8 officers, 6 team
leaders, 3 trainers and 3 admins; other numbers of sessions keep those proportions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from core.auth.roles import ROLES_BY_CODE

# Role code → sessions among 20, in the order the report lists the roles.
MIX_OF_20 = {"officer": 8, "team_leader": 6, "trainer": 3, "admin": 3}
# The short names the pages benchmark uses for the demo accounts of each role.
ROLE_LABELS = {
    "officer": "officer",
    "team_leader": "leader",
    "trainer": "trainer",
    "admin": "admin",
}


def session_mix(sessions: int) -> dict[str, int]:
    """Sessions per role for `sessions` sessions, in the proportions of MIX_OF_20.

    Largest remainders: each role gets the whole part of its share, then the sessions
    left go to the largest fractions (ties to the role listed first). From four sessions
    on, every role has at least one: a role left out takes one from the largest."""
    if sessions < 1:
        raise ValueError("the load benchmark needs at least one session")
    total = sum(MIX_OF_20.values())
    shares = {role: sessions * count / total for role, count in MIX_OF_20.items()}
    mix = {role: math.floor(share) for role, share in shares.items()}
    order = list(MIX_OF_20)
    by_fraction = sorted(order, key=lambda r: (-(shares[r] - mix[r]), order.index(r)))
    for role in by_fraction[: sessions - sum(mix.values())]:
        mix[role] += 1
    if sessions >= len(MIX_OF_20):
        for role in order:
            if mix[role] == 0:
                largest = max(order, key=lambda r: (mix[r], -order.index(r)))
                mix[largest] -= 1
                mix[role] += 1
    return mix


def mix_text(mix: dict[str, int]) -> str:
    """ "8 officers, 6 team leaders, 3 trainers, 3 admins" (roles with no session left out)."""
    names = {"officer": "officer", "team_leader": "team leader", "trainer": "trainer"}
    parts = []
    for role, count in mix.items():
        if count:
            name = names.get(role, role)
            parts.append(f"{count} {name}{'' if count == 1 else 's'}")
    return ", ".join(parts)


@dataclass(frozen=True)
class MenuPage:
    """A page of a role's menu: its role, its script's name (`team` for pages/team.py),
    the path the app serves it at ('' for the page the role opens on) and its English
    title."""

    role: str
    name: str
    url_path: str
    title: str


def role_menu(role: str, titles: dict[str, str]) -> list[MenuPage]:
    """The pages of the role's menu in menu order (core.auth.roles, hidden pages left out);
    `titles` maps catalogue keys to English titles."""
    spec = ROLES_BY_CODE[role]
    pages = []
    for page in spec.pages:
        if page.hidden:
            continue
        name = Path(page.path).stem
        # Streamlit serves the default page of a navigation at the app's root.
        url_path = "" if page is spec.default_page else name
        pages.append(MenuPage(role, name, url_path, titles.get(page.title_key, name)))
    return pages


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) of `values`, interpolated linearly between the two
    nearest ranks (numpy's default): the value at position (n - 1) * p / 100 of the
    sorted values."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)
