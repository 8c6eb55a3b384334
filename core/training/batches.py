"""Reading the training register: the batches a viewer sees, one batch with its members,
days and attendance, and who is ready for a first loan.

A member's training days are all their days up to today, from the register and from the
bank's exports alike (one borrower on one date is one day); once a first loan was
disbursed, the days that count are the loan's (docs/metrics.md: training days of a loan).
Reach and rights: core.training.batch_reach.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from core.auth.privacy import mask_phone
from core.db.sqltext import as_date, as_optional_date, run
from core.training.batch_reach import (
    Keeper,
    batch_reach_sql,
    may_keep,
    may_reopen,
    member_reach_sql,
)

# Batches listed a page at a time: a union's register grows without end.
BATCH_PAGE = 20


@dataclass(frozen=True)
class BatchSummary:
    """A batch as the register lists it; `members` and `ready` count the members the
    viewer sees (`ready`: at least the minimum days, or a first loan that had them)."""

    id: int
    branch: str
    village: str
    groups: tuple[str, ...]
    trainer_code: str
    trainer_name: str
    first_day: dt.date
    closed: bool
    members: int
    days: int
    ready: int


@dataclass(frozen=True)
class Member:
    """A member of a batch. `days`: training days so far (or those of the first loan);
    `attended`: the batch's days they were present; `locked`: those of them the register
    cannot untick here (an imported day, or a day ticked in another batch)."""

    borrower_id: int
    code: str
    name: str
    village: str
    group_code: str
    phone: str
    officer_code: str
    officer_name: str
    applicant: bool
    days: int
    first_loan_on: dt.date | None
    ready: bool
    attended: frozenset[dt.date]
    locked: frozenset[dt.date]


@dataclass(frozen=True)
class BatchDetail:
    """One batch: its summary, its days (oldest first), members, and what the viewer may do."""

    summary: BatchSummary
    trainer_id: int
    officer_id: int | None
    days: tuple[dt.date, ...]
    members: tuple[Member, ...]
    closed_at: dt.datetime | None
    closed_by: str | None
    may_keep: bool
    may_reopen: bool


def _groups(text: str | None) -> tuple[str, ...]:
    return tuple(g for g in (text or "").split(",") if g)


def _member_days_sql() -> str:
    """Columns `days_so_far`, `first_on`, `first_days` of borrower alias b as of :today."""
    return """
        (SELECT COUNT(*) FROM training_days td
         WHERE td.borrower_id = b.id AND td.attended_on <= :today) AS days_so_far,
        (SELECT MIN(fl.disbursed_on) FROM loans fl
         WHERE fl.borrower_id = b.id AND fl.is_first_loan AND fl.disbursed_on <= :today)
            AS first_on,
        (SELECT MIN(fl.training_days) FROM loans fl
         WHERE fl.borrower_id = b.id AND fl.is_first_loan AND fl.disbursed_on <= :today)
            AS first_days"""


def _counted(days_so_far: Any, first_on: Any, first_days: Any) -> tuple[int, dt.date | None]:
    first = as_optional_date(first_on)
    return (int(first_days) if first is not None else int(days_so_far)), first


def count_batches(conn: Connection, keeper: Keeper, *, open_only: bool = False) -> int:
    """How many batches the viewer sees (open ones only with `open_only`)."""
    reach, params = batch_reach_sql(keeper)
    status = "AND tb.closed_at IS NULL" if open_only else ""
    [row] = run(
        conn, f"SELECT COUNT(*) AS n FROM training_batches tb WHERE {reach} {status}", params
    )
    return int(row.n)


def list_batches(
    conn: Connection,
    keeper: Keeper,
    today: dt.date,
    min_days: int,
    *,
    open_only: bool = False,
    page: int = 0,
    page_size: int = BATCH_PAGE,
) -> list[BatchSummary]:
    """A page of the viewer's batches: open ones first, then the newest first day."""
    reach, params = batch_reach_sql(keeper)
    members, member_params = member_reach_sql(keeper)
    status = "AND tb.closed_at IS NULL" if open_only else ""
    rows = run(
        conn,
        f"""
        WITH shown AS (
            SELECT tb.* FROM training_batches tb WHERE {reach} {status}
            ORDER BY CASE WHEN tb.closed_at IS NULL THEN 0 ELSE 1 END, tb.first_day DESC,
                     tb.id DESC
            LIMIT :limit OFFSET :offset),
        member_days AS (
            SELECT m.batch_id, {_member_days_sql()}
            FROM shown JOIN training_batch_members m ON m.batch_id = shown.id
            JOIN borrowers b ON b.id = m.borrower_id
            JOIN staff s ON s.id = b.officer_id
            WHERE {members})
        SELECT shown.id, shown.branch, shown.village, shown.group_codes, shown.first_day,
               shown.closed_at, tr.staff_code AS trainer_code, tr.name AS trainer_name,
               (SELECT COUNT(*) FROM member_days md WHERE md.batch_id = shown.id) AS members,
               (SELECT COUNT(*) FROM member_days md WHERE md.batch_id = shown.id
                  AND CASE WHEN md.first_on IS NULL THEN md.days_so_far
                           ELSE md.first_days END >= :min_days) AS ready,
               (SELECT COUNT(*) FROM training_batch_days d WHERE d.batch_id = shown.id)
                   AS days
        FROM shown JOIN staff tr ON tr.id = shown.trainer_id
        ORDER BY CASE WHEN shown.closed_at IS NULL THEN 0 ELSE 1 END, shown.first_day DESC,
                 shown.id DESC""",
        {
            **params,
            **member_params,
            "today": today,
            "min_days": min_days,
            "limit": page_size,
            "offset": page * page_size,
        },
    )
    return [_summary(r) for r in rows]


def _summary(r: Any) -> BatchSummary:
    return BatchSummary(
        id=int(r.id),
        branch=r.branch,
        village=r.village,
        groups=_groups(r.group_codes),
        trainer_code=r.trainer_code,
        trainer_name=r.trainer_name,
        first_day=as_date(r.first_day),
        closed=r.closed_at is not None,
        members=int(r.members),
        days=int(r.days),
        ready=int(r.ready),
    )


def load_batch(
    conn: Connection, keeper: Keeper, batch_id: int, today: dt.date, min_days: int
) -> BatchDetail | None:
    """One batch the viewer sees, with its members and attendance; None when it does not
    exist or lies outside the viewer's reach (the same answer for both)."""
    reach, params = batch_reach_sql(keeper)
    found = run(
        conn,
        f"""SELECT tb.*, tr.staff_code AS trainer_code, tr.name AS trainer_name
            FROM training_batches tb JOIN staff tr ON tr.id = tb.trainer_id
            WHERE tb.id = :batch AND {reach}""",
        {**params, "batch": batch_id},
    )
    if not found:
        return None
    batch = found[0]
    days = tuple(
        as_date(r.held_on)
        for r in run(
            conn,
            "SELECT held_on FROM training_batch_days WHERE batch_id = :batch ORDER BY held_on",
            {"batch": batch_id},
        )
    )
    members = _members(conn, keeper, batch_id, today, min_days)
    summary = BatchSummary(
        id=batch_id,
        branch=batch.branch,
        village=batch.village,
        groups=_groups(batch.group_codes),
        trainer_code=batch.trainer_code,
        trainer_name=batch.trainer_name,
        first_day=as_date(batch.first_day),
        closed=batch.closed_at is not None,
        members=len(members),
        days=len(days),
        ready=sum(m.ready for m in members),
    )
    officer_id = None if batch.officer_id is None else int(batch.officer_id)
    return BatchDetail(
        summary=summary,
        trainer_id=int(batch.trainer_id),
        officer_id=officer_id,
        days=days,
        members=members,
        closed_at=batch.closed_at,
        closed_by=batch.closed_by,
        may_keep=may_keep(keeper, batch.branch, officer_id),
        may_reopen=may_reopen(keeper, int(batch.trainer_id)),
    )


def _members(
    conn: Connection, keeper: Keeper, batch_id: int, today: dt.date, min_days: int
) -> tuple[Member, ...]:
    reach, params = member_reach_sql(keeper)
    rows = run(
        conn,
        f"""SELECT b.id, b.borrower_code, b.name, b.village, b.group_code, b.phone,
                   s.staff_code, s.name AS officer_name,
                   CASE WHEN b.source = 'app' AND NOT EXISTS (
                       SELECT 1 FROM loans l WHERE l.borrower_id = b.id) THEN 1 ELSE 0 END
                       AS applicant,
                   {_member_days_sql()}
            FROM training_batch_members m JOIN borrowers b ON b.id = m.borrower_id
            JOIN staff s ON s.id = b.officer_id
            WHERE m.batch_id = :batch AND {reach}
            ORDER BY COALESCE(b.group_code, ''), b.name, b.borrower_code""",
        {**params, "batch": batch_id, "today": today},
    )
    present: dict[int, set[dt.date]] = {}
    locked: dict[int, set[dt.date]] = {}
    for r in run(
        conn,
        """SELECT td.borrower_id, td.attended_on, td.source, td.batch_id
           FROM training_days td
           JOIN training_batch_members m ON m.borrower_id = td.borrower_id
           JOIN training_batch_days d ON d.batch_id = m.batch_id AND d.held_on = td.attended_on
           WHERE m.batch_id = :batch""",
        {"batch": batch_id},
    ):
        day = as_date(r.attended_on)
        present.setdefault(int(r.borrower_id), set()).add(day)
        if r.source != "app" or r.batch_id is None or int(r.batch_id) != batch_id:
            locked.setdefault(int(r.borrower_id), set()).add(day)
    own_phones = keeper.scope.kind == "officer"
    members = []
    for r in rows:
        days, first_on = _counted(r.days_so_far, r.first_on, r.first_days)
        members.append(
            Member(
                borrower_id=int(r.id),
                code=r.borrower_code,
                name=r.name,
                village=r.village,
                group_code=r.group_code or "",
                phone=(r.phone or "") if own_phones else mask_phone(r.phone),
                officer_code=r.staff_code,
                officer_name=r.officer_name,
                applicant=bool(r.applicant),
                days=days,
                first_loan_on=first_on,
                ready=days >= min_days,
                attended=frozenset(present.get(int(r.id), ())),
                locked=frozenset(locked.get(int(r.id), ())),
            )
        )
    return tuple(members)


@dataclass(frozen=True)
class Readiness:
    """A member waiting for a first loan: how many days so far, and whether that is enough."""

    officer_code: str
    officer_name: str
    batch_id: int
    village: str
    first_day: dt.date
    borrower_code: str
    name: str
    days: int
    ready: bool


# Members of batches that started within this many days are listed as waiting.
READY_WINDOW_DAYS = 365


def ready_for_first_loan(
    conn: Connection, keeper: Keeper, today: dt.date, min_days: int
) -> list[Readiness]:
    """The members the viewer sees, of batches begun in the last READY_WINDOW_DAYS, who
    have no first loan yet: by officer, then batch, the not-yet-ready first within it."""
    reach, params = batch_reach_sql(keeper)
    members, member_params = member_reach_sql(keeper)
    rows = run(
        conn,
        f"""
        SELECT s.staff_code, s.name AS officer_name, tb.id AS batch_id, tb.village,
               tb.first_day, b.borrower_code, b.name,
               (SELECT COUNT(*) FROM training_days td
                WHERE td.borrower_id = b.id AND td.attended_on <= :today) AS days
        FROM training_batches tb
        JOIN training_batch_members m ON m.batch_id = tb.id
        JOIN borrowers b ON b.id = m.borrower_id
        JOIN staff s ON s.id = b.officer_id
        WHERE {reach} AND {members} AND tb.first_day >= :since
          AND NOT EXISTS (SELECT 1 FROM loans l
                          WHERE l.borrower_id = b.id AND l.disbursed_on <= :today)
        ORDER BY s.staff_code, tb.first_day DESC, tb.id""",
        {
            **params,
            **member_params,
            "today": today,
            "since": today - dt.timedelta(days=READY_WINDOW_DAYS),
        },
    )
    found = [
        Readiness(
            officer_code=r.staff_code,
            officer_name=r.officer_name,
            batch_id=int(r.batch_id),
            village=r.village,
            first_day=as_date(r.first_day),
            borrower_code=r.borrower_code,
            name=r.name,
            days=int(r.days),
            ready=int(r.days) >= min_days,
        )
        for r in rows
    ]
    # Within an officer's batch: those still short of the minimum first, fewest days first.
    return sorted(
        found,
        key=lambda x: (x.officer_code, -x.first_day.toordinal(), x.batch_id, x.ready, x.days),
    )
