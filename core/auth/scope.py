"""Whose data a viewer may see: the Scope every query in core takes and filters on in
SQL (so a screen cannot show another scope's rows by mistake), and `scope_for`, which
derives it from the role and the linked staff member as they are on the staff list now.

Anything missing or inconsistent (no staff link, a link to a staff member of another role,
a team leader without a team) gives a scope that sees nothing, never everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import ColumnElement, Connection, and_, false, select, true

from core.db.models import Staff


@dataclass(frozen=True)
class Scope:
    """A viewer's reach: all (admin), a branch, a team, one officer's own portfolio, or a
    trainer's (training records and cohort aggregates only: no officer's rows)."""

    kind: str  # "all", "branch", "team", "officer", "trainer", "none"
    branch: str | None = None
    team: str | None = None
    staff_code: str | None = None

    @classmethod
    def everyone(cls) -> Scope:
        """The whole cooperative (admins, and the command line)."""
        return cls("all")

    @classmethod
    def nobody(cls) -> Scope:
        """A scope that sees no rows: for a login whose staff link is missing or broken."""
        return cls("none")

    @property
    def cache_key(self) -> str:
        """A stable text naming the scope, for caches shared by all users."""
        return f"{self.kind}|{self.branch or ''}|{self.team or ''}|{self.staff_code or ''}"

    def staff_where(self, alias: str) -> tuple[str, dict[str, str]]:
        """The same filter as SQL text on a staff table alias, with its bound values."""
        if self.kind == "all":
            return "1 = 1", {}
        if self.kind == "trainer":
            return "1 = 0", {}  # trainers see aggregates, never an officer's rows
        if self.kind == "branch" and self.branch:
            return f"{alias}.branch = :scope_branch", {"scope_branch": self.branch}
        if self.kind == "team" and self.branch and self.team:
            return (
                f"{alias}.branch = :scope_branch AND {alias}.team = :scope_team",
                {"scope_branch": self.branch, "scope_team": self.team},
            )
        if self.kind == "officer" and self.staff_code:
            return f"{alias}.staff_code = :scope_staff", {"scope_staff": self.staff_code}
        return "1 = 0", {}

    def staff_filter(self) -> ColumnElement[bool]:
        """A WHERE clause on the staff table limiting rows to this scope."""
        if self.kind == "all":
            return true()
        if self.kind == "trainer":
            return false()  # trainers see aggregates, never an officer's rows
        if self.kind == "branch" and self.branch:
            return Staff.branch == self.branch
        if self.kind == "team" and self.branch and self.team:
            return and_(Staff.branch == self.branch, Staff.team == self.team)
        if self.kind == "officer" and self.staff_code:
            return Staff.staff_code == self.staff_code
        return false()  # an incomplete scope sees nothing, never everything


class HasRole(Protocol):
    """Anything carrying a role and a staff link: UserRow, SessionUser."""

    @property
    def role(self) -> str:
        """officer, team_leader, trainer or admin."""
        ...

    @property
    def staff_code(self) -> str | None:
        """The linked staff member's code, if any."""
        ...


def scope_for(conn: Connection, user: HasRole) -> Scope:
    """The scope of `user`: admin → everyone; officer → their own portfolio; team leader →
    their team's officers; trainer → the trainer scope (aggregates, no officer's rows)."""
    if user.role == "admin":
        return Scope.everyone()
    if not user.staff_code:
        return Scope.nobody()
    staff = conn.execute(
        select(Staff.role, Staff.branch, Staff.team).where(Staff.staff_code == user.staff_code)
    ).one_or_none()
    if staff is None or staff.role != user.role:
        return Scope.nobody()
    if user.role == "officer":
        return Scope("officer", staff_code=user.staff_code)
    if user.role == "team_leader" and staff.branch and staff.team:
        return Scope("team", branch=staff.branch, team=staff.team)
    if user.role == "trainer":
        return Scope("trainer", staff_code=user.staff_code)
    return Scope.nobody()
