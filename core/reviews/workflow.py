"""Writing reviews: the officer's drafts, goals and submission; the team leader's comments,
ratings, return for revision and sign-off.

    draft → submitted → (returned → submitted)* → signed_off

Every write checks who may make it (NotPermitted otherwise) and in which state, then the
revision it started from (an EditConflict keeps the other person's work), and runs in one
transaction with its audit entry and a data version bump. Problems a person can fix come
as ValidationFailed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, insert, select, update

from core.auth.scope import Scope
from core.db import audit
from core.db.engine import bump_data_version, write_transaction
from core.metrics.figures import FIGURES_BY_KEY
from core.reviews.conflicts import EditConflict, NotPermitted
from core.reviews.cycle import cycle_of
from core.reviews.evidence import Evidence
from core.reviews.models import Review, ReviewGoal, ReviewSection
from core.reviews.records import Goal, load_goals, officer_id_in_scope
from core.reviews.template import ReviewTemplate
from core.validation import FieldError, ValidationFailed

MAX_TEXT = 10_000
MAX_GOALS = 10


def _refuse(field: str, code: str, **values: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, code, values)])


def _officer_id(conn: Connection, scope: Scope, officer_code: str, as_leader: bool) -> int:
    """The officer's id, if this scope may write as the officer (their own scope) or as
    their team leader (a team scope holding them); refuses everybody else."""
    allowed = scope.kind == "team" if as_leader else scope.kind == "officer"
    officer_id = officer_id_in_scope(conn, scope, officer_code) if allowed else None
    if officer_id is None:
        raise NotPermitted("review")
    return officer_id


def _review(conn: Connection, officer_id: int, period: str) -> Row[Any] | None:
    return conn.execute(
        select(Review).where(Review.officer_id == officer_id, Review.period == period)
    ).one_or_none()


def _ensure_review(conn: Connection, officer_id: int, period: str, now: dt.datetime) -> Row[Any]:
    review = _review(conn, officer_id, period)
    if review is None:
        conn.execute(
            insert(Review).values(
                officer_id=officer_id,
                period=period,
                status="draft",
                revision=1,
                plan_revision=0,
                created_at=now,
                updated_at=now,
            )
        )
        review = _review(conn, officer_id, period)
        assert review is not None
    return review


def _section(conn: Connection, review_id: int, key: str) -> Row[Any]:
    found = conn.execute(
        select(ReviewSection).where(
            ReviewSection.review_id == review_id, ReviewSection.section_key == key
        )
    ).one_or_none()
    if found is None:
        conn.execute(
            insert(ReviewSection).values(
                review_id=review_id,
                section_key=key,
                body="",
                body_revision=0,
                comment="",
                rating=None,
                comment_revision=0,
            )
        )
        return _section(conn, review_id, key)
    return found


def _touch(conn: Connection, review_id: int, now: dt.datetime, **values: object) -> None:
    conn.execute(update(Review).where(Review.id == review_id).values(updated_at=now, **values))


def save_body(
    engine: Engine,
    actor: str,
    scope: Scope,
    period: str,
    section_key: str,
    text: str,
    expected_revision: int,
    template: ReviewTemplate,
    now: dt.datetime,
) -> int:
    """Saves the officer's text of one section (a draft, or a review returned to them);
    returns the section's new revision. EditConflict if it was saved meanwhile."""
    template.section(section_key)  # KeyError for a section the template lacks: a bug
    if len(text) > MAX_TEXT:
        raise _refuse(section_key, "too_long", limit=str(MAX_TEXT))
    with write_transaction(engine) as conn:
        officer_id = _officer_id(conn, scope, scope.staff_code or "", as_leader=False)
        review = _ensure_review(conn, officer_id, period, now)
        if review.status not in ("draft", "returned"):
            raise _refuse("review", "locked")
        section = _section(conn, review.id, section_key)
        if section.body_revision != expected_revision:
            raise EditConflict(section_key, {"body": section.body}, section.body_revision)
        if section.body == text:
            return int(section.body_revision)
        revision = int(section.body_revision) + 1
        conn.execute(
            update(ReviewSection)
            .where(ReviewSection.id == section.id)
            .values(body=text, body_revision=revision)
        )
        _touch(conn, review.id, now)
        # Drafts are the officer's working text: the trail records that they changed.
        audit.record(
            conn, actor, "review.draft", "review", f"{scope.staff_code}/{period}/{section_key}",
            {"revision": section.body_revision}, {"revision": revision}, at=now,
        )  # fmt: skip
        bump_data_version(conn)
    return revision


def _checked_goals(goals: Sequence[Goal]) -> list[Goal]:
    problems: list[FieldError] = []
    kept: list[Goal] = []
    for index, goal in enumerate(goals):
        field = f"goal{index}"
        text = goal.text.strip()
        if goal.figure is None and not text:
            continue  # an empty row of the form
        if goal.figure is not None and goal.figure not in FIGURES_BY_KEY:
            problems.append(FieldError(field, "unknown_figure"))
        if goal.figure is not None and goal.target is None:
            problems.append(FieldError(field, "target_missing"))
        if goal.target is not None and (not goal.target.is_finite() or goal.target < 0):
            problems.append(FieldError(field, "bad_target"))
        if len(text) > 1000:
            problems.append(FieldError(field, "too_long", {"limit": "1000"}))
        kept.append(Goal(goal.figure, goal.target, text))
    if len(kept) > MAX_GOALS:
        problems.append(FieldError("plan", "too_many_goals", {"limit": str(MAX_GOALS)}))
    if problems:
        raise ValidationFailed(problems)
    return kept


def parse_target(text: str) -> Decimal | None:
    """A target as typed ("95", "0.5"): an exact Decimal, or None if it is no number."""
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def save_goals(
    engine: Engine,
    actor: str,
    scope: Scope,
    period: str,
    goals: Sequence[Goal],
    expected_revision: int,
    now: dt.datetime,
) -> int:
    """Replaces the improvement plan's goals (empty rows are dropped); returns the plan's
    new revision. Ratio targets are fractions (0.95 for 95%)."""
    kept = _checked_goals(goals)
    with write_transaction(engine) as conn:
        officer_id = _officer_id(conn, scope, scope.staff_code or "", as_leader=False)
        review = _ensure_review(conn, officer_id, period, now)
        if review.status not in ("draft", "returned"):
            raise _refuse("review", "locked")
        if review.plan_revision != expected_revision:
            stored = "\n".join(_goal_line(g) for g in _stored_goals(conn, review.id))
            raise EditConflict("plan", {"goals": stored}, review.plan_revision)
        conn.execute(delete(ReviewGoal).where(ReviewGoal.review_id == review.id))
        for position, goal in enumerate(kept):
            conn.execute(
                insert(ReviewGoal).values(
                    review_id=review.id,
                    position=position,
                    figure=goal.figure,
                    target=None if goal.target is None else str(goal.target),
                    text=goal.text,
                )
            )
        revision = int(review.plan_revision) + 1
        _touch(conn, review.id, now, plan_revision=revision)
        audit.record(
            conn, actor, "review.goals", "review", f"{scope.staff_code}/{period}",
            None, {"goals": [_goal_line(g) for g in kept]}, at=now,
        )  # fmt: skip
        bump_data_version(conn)
    return revision


def _stored_goals(conn: Connection, review_id: int) -> list[Goal]:
    return list(load_goals(conn, review_id))


def _goal_line(goal: Goal) -> str:
    head = f"{goal.figure} {goal.target}" if goal.figure else ""
    return " · ".join(part for part in (head, goal.text) if part)


def submit(
    engine: Engine,
    actor: str,
    scope: Scope,
    period: str,
    evidence: Evidence,
    expected_revision: int,
    template: ReviewTemplate,
    now: dt.datetime,
    *,
    today: dt.date | None = None,
) -> None:
    """Submits a draft (or a returned review) with its evidence frozen as a snapshot.
    Every section but the plan needs text, and the plan at least one goal. Refused
    ("too_early") before the template's `submit_from_days` before the quarter ends;
    `today` is the local date (default: `now`'s date)."""
    opens_on = cycle_of(period, template.due_days).submit_opens_on(template.submit_from_days)
    if (today or now.date()) < opens_on:
        raise _refuse("review", "too_early", date=opens_on.isoformat())
    with write_transaction(engine) as conn:
        officer_id = _officer_id(conn, scope, scope.staff_code or "", as_leader=False)
        review = _ensure_review(conn, officer_id, period, now)
        if review.status not in ("draft", "returned"):
            raise _refuse("review", "locked")
        if review.revision != expected_revision:
            raise EditConflict("review", {"status": review.status}, review.revision)
        bodies = {
            row.section_key: row.body.strip()
            for row in conn.execute(
                select(ReviewSection).where(ReviewSection.review_id == review.id)
            ).all()
        }
        problems = [
            FieldError(s.key, "empty")
            for s in template.sections
            if not s.plan and not bodies.get(s.key)
        ]
        if template.plan_section is not None and not _stored_goals(conn, review.id):
            problems.append(FieldError(template.plan_section.key, "no_goals"))
        if problems:
            raise ValidationFailed(problems)
        _touch(
            conn, review.id, now, status="submitted", revision=review.revision + 1,
            snapshot=evidence.to_json(), submitted_at=now,
        )  # fmt: skip
        audit.record(
            conn, actor, "review.submit", "review", f"{scope.staff_code}/{period}",
            {"status": review.status}, {"status": "submitted", "as_of": evidence.as_of}, at=now,
        )  # fmt: skip
        bump_data_version(conn)


def _leaders_review(
    conn: Connection, scope: Scope, officer_code: str, period: str, expected_revision: int | None
) -> Row[Any]:
    officer_id = _officer_id(conn, scope, officer_code, as_leader=True)
    review = _review(conn, officer_id, period)
    if review is None or review.status != "submitted":
        raise _refuse("review", "not_submitted")
    if expected_revision is not None and review.revision != expected_revision:
        raise EditConflict("review", {"status": review.status}, review.revision)
    return review


def save_comment(
    engine: Engine,
    actor: str,
    scope: Scope,
    officer_code: str,
    period: str,
    section_key: str,
    comment: str,
    rating: str | None,
    expected_revision: int,
    template: ReviewTemplate,
    now: dt.datetime,
) -> int:
    """The team leader's comment and rating on one section of a submitted review; returns
    the comment's new revision."""
    template.section(section_key)
    problems = []
    if rating is not None and rating not in {r.code for r in template.ratings}:
        problems.append(FieldError(section_key, "unknown_rating"))
    if len(comment) > MAX_TEXT:
        problems.append(FieldError(section_key, "too_long", {"limit": str(MAX_TEXT)}))
    if problems:
        raise ValidationFailed(problems)
    with write_transaction(engine) as conn:
        review = _leaders_review(conn, scope, officer_code, period, None)
        section = _section(conn, review.id, section_key)
        if section.comment_revision != expected_revision:
            raise EditConflict(
                section_key,
                {"comment": section.comment, "rating": section.rating},
                section.comment_revision,
            )
        revision = int(section.comment_revision) + 1
        conn.execute(
            update(ReviewSection)
            .where(ReviewSection.id == section.id)
            .values(comment=comment, rating=rating, comment_revision=revision)
        )
        _touch(conn, review.id, now)
        audit.record(
            conn, actor, "review.comment", "review", f"{officer_code}/{period}/{section_key}",
            {"comment": section.comment, "rating": section.rating},
            {"comment": comment, "rating": rating}, at=now,
        )  # fmt: skip
        bump_data_version(conn)
    return revision


def return_review(
    engine: Engine,
    actor: str,
    scope: Scope,
    officer_code: str,
    period: str,
    note: str,
    expected_revision: int,
    now: dt.datetime,
) -> None:
    """Sends a submitted review back to the officer with a note saying what to revise."""
    if not note.strip():
        raise _refuse("return_note", "required")
    with write_transaction(engine) as conn:
        review = _leaders_review(conn, scope, officer_code, period, expected_revision)
        _touch(
            conn, review.id, now, status="returned", revision=review.revision + 1,
            return_note=note.strip(),
        )  # fmt: skip
        audit.record(
            conn, actor, "review.return", "review", f"{officer_code}/{period}",
            {"status": "submitted"}, {"status": "returned", "note": note.strip()}, at=now,
        )  # fmt: skip
        bump_data_version(conn)


def sign_off(
    engine: Engine,
    actor: str,
    scope: Scope,
    officer_code: str,
    period: str,
    expected_revision: int,
    template: ReviewTemplate,
    now: dt.datetime,
) -> None:
    """Signs a submitted review off, which locks it; every section needs a rating first."""
    with write_transaction(engine) as conn:
        review = _leaders_review(conn, scope, officer_code, period, expected_revision)
        rated = {
            row.section_key
            for row in conn.execute(
                select(ReviewSection).where(
                    ReviewSection.review_id == review.id, ReviewSection.rating.is_not(None)
                )
            ).all()
        }
        missing = [
            FieldError(s.key, "rating_missing") for s in template.sections if s.key not in rated
        ]
        if missing:
            raise ValidationFailed(missing)
        _touch(
            conn, review.id, now, status="signed_off", revision=review.revision + 1,
            signed_off_at=now, signed_off_by=actor,
        )  # fmt: skip
        audit.record(
            conn, actor, "review.sign_off", "review", f"{officer_code}/{period}",
            {"status": "submitted"}, {"status": "signed_off"}, at=now,
        )  # fmt: skip
        bump_data_version(conn)
