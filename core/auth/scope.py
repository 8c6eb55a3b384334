"""What a logged-in user may see: the Scope every query in core takes, from the role and
the linked staff member as they are on the staff list now.

Anything missing or inconsistent (no staff link, a link to a staff member of another role,
a team leader without a team) gives a scope that sees nothing, never everything.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Connection, select

from core.models import Staff
from core.scope import Scope


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
