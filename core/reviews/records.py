"""Reading reviews, within the viewer's scope.

An officer reads their own reviews. A team leader reads their team's, and an admin
everybody's, but neither reads a draft: until it is submitted it is the officer's own
working text, and they see only that it exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, select

from core.auth.scope import Scope
from core.db.models import Staff
from core.localtime import utc
from core.reviews.evidence import Evidence
from core.reviews.goals import Goal as Goal  # re-exported: pages import it from here
from core.reviews.models import Review, ReviewGoal, ReviewSection

NOT_STARTED = "not_started"


@dataclass(frozen=True)
class SectionText:
    """One section as stored: the officer's text and the leader's comment and rating, each
    with the revision a save must name."""

    key: str
    body: str = ""
    body_revision: int = 0
    comment: str = ""
    rating: str | None = None
    comment_revision: int = 0


@dataclass(frozen=True)
class ReviewRecord:
    """A review as the viewer may see it (`id` None: not started yet)."""

    id: int | None
    officer_code: str
    officer_name: str
    team: str | None
    branch: str
    period: str
    status: str
    revision: int
    plan_revision: int
    sections: dict[str, SectionText]
    goals: tuple[Goal, ...]
    snapshot: Evidence | None
    return_note: str
    submitted_at: dt.datetime | None
    signed_off_at: dt.datetime | None
    signed_off_by: str | None

    def section(self, key: str) -> SectionText:
        """A section's stored text (empty when nothing was written yet)."""
        return self.sections.get(key, SectionText(key))

    @property
    def editable_by_officer(self) -> bool:
        """Whether the officer may still write: a draft, or a review returned to them."""
        return self.status in (NOT_STARTED, "draft", "returned")


@dataclass(frozen=True)
class ReviewStatusRow:
    """An officer of the scope and where their review of the quarter stands."""

    officer_code: str
    officer_name: str
    status: str
    submitted_at: dt.datetime | None
    signed_off_at: dt.datetime | None


def _maybe_utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else utc(value)


def officer_id_in_scope(conn: Connection, scope: Scope, officer_code: str) -> int | None:
    """The officer's staff id if `scope` may see that officer, else None."""
    found = conn.execute(
        select(Staff.id).where(
            Staff.staff_code == officer_code, Staff.role == "officer", scope.staff_filter()
        )
    ).scalar_one_or_none()
    return None if found is None else int(found)


def load_review(
    conn: Connection, scope: Scope, officer_code: str, period: str
) -> ReviewRecord | None:
    """An officer's review of a quarter, as `scope` may see it; None if the officer is
    outside the scope. Another viewer than the officer gets a draft without its text."""
    staff = conn.execute(
        select(Staff.id, Staff.name, Staff.team, Staff.branch).where(
            Staff.staff_code == officer_code, Staff.role == "officer", scope.staff_filter()
        )
    ).one_or_none()
    if staff is None:
        return None
    review = conn.execute(
        select(Review).where(Review.officer_id == staff.id, Review.period == period)
    ).one_or_none()
    if review is None:
        return ReviewRecord(
            None, officer_code, staff.name, staff.team, staff.branch, period, NOT_STARTED,
            0, 0, {}, (), None, "", None, None, None,
        )  # fmt: skip
    hidden = review.status == "draft" and scope.kind != "officer"
    sections: dict[str, SectionText] = {}
    goals: tuple[Goal, ...] = ()
    if not hidden:
        for row in conn.execute(
            select(ReviewSection).where(ReviewSection.review_id == review.id)
        ).all():
            sections[row.section_key] = SectionText(
                row.section_key,
                row.body,
                row.body_revision,
                row.comment,
                row.rating,
                row.comment_revision,
            )
        goals = load_goals(conn, review.id)
    return ReviewRecord(
        id=review.id,
        officer_code=officer_code,
        officer_name=staff.name,
        team=staff.team,
        branch=staff.branch,
        period=period,
        status=review.status,
        revision=review.revision,
        plan_revision=review.plan_revision,
        sections=sections,
        goals=goals,
        snapshot=None if review.snapshot is None else Evidence.from_json(review.snapshot),
        return_note=review.return_note or "",
        submitted_at=_maybe_utc(review.submitted_at),
        signed_off_at=_maybe_utc(review.signed_off_at),
        signed_off_by=review.signed_off_by,
    )


def load_goals(conn: Connection, review_id: int) -> tuple[Goal, ...]:
    """A review's improvement plan, in the order written."""
    return tuple(
        Goal(row.figure, None if row.target is None else Decimal(row.target), row.text)
        for row in conn.execute(
            select(ReviewGoal)
            .where(ReviewGoal.review_id == review_id)
            .order_by(ReviewGoal.position)
        ).all()
    )


def list_review_statuses(conn: Connection, scope: Scope, period: str) -> list[ReviewStatusRow]:
    """Every officer of the scope with the status of their review of `period`
    ("not_started" when there is none yet), by name."""
    rows = conn.execute(
        select(
            Staff.staff_code,
            Staff.name,
            Review.status,
            Review.submitted_at,
            Review.signed_off_at,
        )
        .select_from(Staff)
        .outerjoin(Review, (Review.officer_id == Staff.id) & (Review.period == period))
        .where(Staff.role == "officer", scope.staff_filter())
        .order_by(Staff.name, Staff.staff_code)
    )
    return [
        ReviewStatusRow(
            code, name, status or NOT_STARTED, _maybe_utc(submitted), _maybe_utc(signed)
        )
        for code, name, status, submitted, signed in rows
    ]
