"""Whose data a viewer may see. Every query in core.queries takes a Scope and filters
in SQL, so a screen cannot show another scope's rows by mistake."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, true

from core.models import Staff


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
