"""Who sees and who keeps which batches of the training register (every rule in SQL or
decided from the viewer's scope, never from what a screen happens to show).

Seeing (`batch_reach_sql`, `member_reach_sql`):
- an admin: every batch, every member;
- a trainer: the batches of their branch (the branch on the staff list), every member;
- an officer: the batches they opened and those holding one of their own borrowers, with
  only their own borrowers as members;
- a team leader (or a branch scope): the batches holding a borrower of their officers, or
  opened by one of them, with only those officers' borrowers as members.

Keeping (`may_keep`): opening days, adding members and ticking attendance are for an
admin, a trainer of the batch's branch and the officer who opened it; team leaders read.
Reopening a closed batch (`may_reopen`) is for its trainer (or an admin).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from core.auth.scope import Scope


@dataclass(frozen=True)
class Keeper:
    """The viewer as the register needs them: their scope, their staff row's id and
    branch (None for an admin without a staff link) and their username (the audit's)."""

    scope: Scope
    username: str
    staff_id: int | None = None
    branch: str | None = None

    @property
    def is_admin(self) -> bool:
        """Whether the viewer sees the whole cooperative."""
        return self.scope.kind == "all"


def keeper_for(conn: Connection, scope: Scope, username: str) -> Keeper:
    """The Keeper of a viewer: their staff id and branch looked up from the scope's staff
    code (an admin or a scope without one gets None for both)."""
    if not scope.staff_code:
        return Keeper(scope, username)
    row = conn.execute(
        text("SELECT id, branch FROM staff WHERE staff_code = :code"), {"code": scope.staff_code}
    ).one_or_none()
    if row is None:
        return Keeper(scope, username)
    return Keeper(scope, username, int(row.id), str(row.branch))


def batch_reach_sql(keeper: Keeper, alias: str = "tb") -> tuple[str, dict[str, Any]]:
    """SQL true for the batches (alias `alias`) the viewer sees, with its bound values."""
    scope = keeper.scope
    if scope.kind == "all":
        return "1 = 1", {}
    if scope.kind == "trainer":
        if keeper.branch is None:
            return "1 = 0", {}
        return f"{alias}.branch = :reach_branch", {"reach_branch": keeper.branch}
    staff_sql, params = scope.staff_where("rs")
    if staff_sql == "1 = 0":
        return staff_sql, params
    return (
        f"""({alias}.officer_id IN (SELECT rs.id FROM staff rs WHERE {staff_sql})
            OR EXISTS (SELECT 1 FROM training_batch_members rm
                       JOIN borrowers rb ON rb.id = rm.borrower_id
                       JOIN staff rs ON rs.id = rb.officer_id
                       WHERE rm.batch_id = {alias}.id AND {staff_sql}))""",
        params,
    )


def member_reach_sql(keeper: Keeper, officer_alias: str = "s") -> tuple[str, dict[str, Any]]:
    """SQL true for the members the viewer sees within a batch they see, on the alias of
    the member's (borrower's) officer."""
    if keeper.scope.kind in ("all", "trainer"):
        return "1 = 1", {}
    return keeper.scope.staff_where(officer_alias)


def borrower_reach_sql(
    keeper: Keeper, branch: str, officer_alias: str = "s"
) -> tuple[str, dict[str, Any]]:
    """SQL true for the borrowers the viewer may enrol in a batch of `branch`: an
    officer their own; a trainer or an admin the borrowers of that branch's officers."""
    if keeper.scope.kind == "officer":
        return keeper.scope.staff_where(officer_alias)
    if keeper.scope.kind in ("all", "trainer"):
        return f"{officer_alias}.branch = :enrol_branch", {"enrol_branch": branch}
    return "1 = 0", {}


def may_keep(keeper: Keeper, branch: str, officer_id: int | None) -> bool:
    """Whether the viewer may add days and members to, and tick attendance in, a batch of
    `branch` opened by officer `officer_id` (None: opened by a trainer or an admin)."""
    if keeper.is_admin:
        return True
    if keeper.scope.kind == "trainer":
        return keeper.branch is not None and keeper.branch == branch
    if keeper.scope.kind == "officer":
        return officer_id is not None and keeper.staff_id == officer_id
    return False


def may_open(keeper: Keeper) -> bool:
    """Whether the viewer may open batches at all (admins, trainers, officers)."""
    return keeper.is_admin or (
        keeper.scope.kind in ("trainer", "officer") and keeper.staff_id is not None
    )


def may_reopen(keeper: Keeper, trainer_id: int) -> bool:
    """Whether the viewer may reopen a closed batch taught by `trainer_id`."""
    return keeper.is_admin or (keeper.staff_id is not None and keeper.staff_id == trainer_id)
