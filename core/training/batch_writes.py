"""Writing the training register: opening a batch, enrolling members and applicants,
adding days, ticking attendance (one member, everyone present, or a whole paper sheet),
closing and reopening.

Each write checks everything first and raises ValidationFailed listing every problem
(nothing is written then); otherwise it writes its rows, its audit entry and the new data
version in one transaction (data_write). A tick is a row of training_days with source
"app" and the batch (core/training/models.py): the figures count it like an imported day.
Unticking removes only a row this batch wrote; an imported day stays.

After a write of training days the loans of the members concerned get their training days
recounted, their officers' kept figures are refreshed, and the kept cohorts are dropped
only when some loan's count moved (the kept loan balances never depend on training).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from core.db import audit
from core.db.derived import refresh_training_days
from core.db.engine import data_write, drop_kept_cohorts, mark_loans_kept_current
from core.db.sqltext import as_date, run
from core.metrics.kept import refresh_kept_officers
from core.training.applicants import ApplicantForm, check_applicant, insert_applicant
from core.training.batch_reach import (
    Keeper,
    batch_reach_sql,
    borrower_reach_sql,
    may_keep,
    may_open,
    may_reopen,
)
from core.validation import FieldError, ValidationFailed

# How far back a batch may begin (a paper sheet entered late) and a reason's length.
EARLIEST_DAYS = 366
REASON_MAX = 500
TEXT_MAX = 64
GROUPS_MAX = 10

NOT_FOUND = FieldError("batch", "not_found")
_SEPARATORS = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True)
class BatchForm:
    """What opening a batch asks: where, which groups (comma-separated codes), who
    teaches (a trainer of the branch, or the opening officer) and the first day."""

    village: str
    groups: str
    trainer_code: str
    first_day: dt.date


@dataclass(frozen=True)
class _Batch:
    id: int
    branch: str
    trainer_id: int
    officer_id: int | None
    first_day: dt.date
    closed: bool


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def parse_groups(typed: str) -> tuple[str, ...]:
    """Group codes typed with commas, spaces or Chinese commas, once each, in order."""
    return tuple(dict.fromkeys(p for p in _SEPARATORS.split(typed) if p))


def _batch(conn: Connection, keeper: Keeper, batch_id: int) -> _Batch:
    """The batch if the viewer sees it; NOT_FOUND otherwise (the same either way)."""
    reach, params = batch_reach_sql(keeper)
    rows = run(
        conn,
        f"""SELECT tb.id, tb.branch, tb.trainer_id, tb.officer_id, tb.first_day, tb.closed_at
            FROM training_batches tb WHERE tb.id = :batch AND {reach}""",
        {**params, "batch": batch_id},
    )
    if not rows:
        raise ValidationFailed([NOT_FOUND])
    r = rows[0]
    return _Batch(
        int(r.id),
        r.branch,
        int(r.trainer_id),
        None if r.officer_id is None else int(r.officer_id),
        as_date(r.first_day),
        r.closed_at is not None,
    )


def _kept_batch(conn: Connection, keeper: Keeper, batch_id: int) -> _Batch:
    """The batch if the viewer may change it now: seen, theirs to keep, and open."""
    batch = _batch(conn, keeper, batch_id)
    if not may_keep(keeper, batch.branch, batch.officer_id):
        raise ValidationFailed([FieldError("batch", "not_yours")])
    if batch.closed:
        raise ValidationFailed([FieldError("batch", "closed")])
    return batch


def _trainer(conn: Connection, keeper: Keeper, code: str) -> tuple[int, str] | None:
    """(staff id, branch) of who may teach a batch the viewer opens: a trainer of the
    viewer's branch (any branch for an admin), or the opening officer themselves."""
    row = conn.execute(
        text("SELECT id, role, branch FROM staff WHERE staff_code = :code"), {"code": code.strip()}
    ).one_or_none()
    if row is None:
        return None
    if keeper.scope.kind == "officer" and int(row.id) == keeper.staff_id:
        return int(row.id), str(row.branch)
    if row.role != "trainer":
        return None
    if not keeper.is_admin and row.branch != keeper.branch:
        return None
    return int(row.id), str(row.branch)


def open_batch(engine: Engine, keeper: Keeper, form: BatchForm, today: dt.date) -> int:
    """Opens a batch with its first day as its first day of attendance; returns its id."""
    with data_write(engine) as conn:
        errors: list[FieldError] = []
        if not may_open(keeper):
            raise ValidationFailed([FieldError("batch", "not_yours")])
        village = " ".join(form.village.split())
        groups = parse_groups(form.groups)
        if not village:
            errors.append(FieldError("village", "required"))
        elif len(village) > TEXT_MAX:
            errors.append(FieldError("village", "too_long", {"max": str(TEXT_MAX)}))
        if len(groups) > GROUPS_MAX or any(len(g) > TEXT_MAX for g in groups):
            errors.append(FieldError("groups", "too_many", {"max": str(GROUPS_MAX)}))
        trainer = _trainer(conn, keeper, form.trainer_code)
        if trainer is None:
            errors.append(FieldError("trainer", "not_a_trainer"))
        errors += _day_errors(
            "first_day", form.first_day, today - dt.timedelta(EARLIEST_DAYS), today
        )
        if errors or trainer is None:
            raise ValidationFailed(errors)
        trainer_id, branch = trainer
        officer_id = keeper.staff_id if keeper.scope.kind == "officer" else None
        batch_id = int(
            conn.execute(
                text("""INSERT INTO training_batches
                        (branch, village, group_codes, trainer_id, officer_id, first_day,
                         opened_by, opened_at)
                        VALUES (:branch, :village, :groups, :trainer, :officer, :first,
                                :by, :at) RETURNING id"""),
                {
                    "branch": branch,
                    "village": village,
                    "groups": ",".join(groups),
                    "trainer": trainer_id,
                    "officer": officer_id,
                    "first": form.first_day,
                    "by": keeper.username,
                    "at": _now(),
                },
            ).scalar_one()
        )
        _insert_day(conn, batch_id, form.first_day)
        _audit_batch(
            conn,
            keeper,
            batch_id,
            "open",
            before=None,
            after={
                "branch": branch,
                "village": village,
                "groups": list(groups),
                "trainer": form.trainer_code.strip(),
                "first_day": form.first_day.isoformat(),
            },
        )
        return batch_id


def _audit_batch(
    conn: Connection,
    keeper: Keeper,
    batch_id: int,
    verb: str,
    *,
    before: dict[str, object] | None,
    after: dict[str, object] | None,
) -> None:
    """The audit entry "training_batch.<verb>" of a batch, in the viewer's name."""
    audit.record(
        conn,
        actor=keeper.username,
        action=f"training_batch.{verb}",
        entity="training_batch",
        entity_key=str(batch_id),
        before=before,
        after=after,
    )


def _day_errors(field: str, day: dt.date, earliest: dt.date, today: dt.date) -> list[FieldError]:
    if day > today:
        return [FieldError(field, "future")]
    if day < earliest:
        return [FieldError(field, "too_early", {"date": earliest.isoformat()})]
    return []


def _insert_day(conn: Connection, batch_id: int, day: dt.date) -> None:
    conn.execute(
        text("INSERT INTO training_batch_days (batch_id, held_on) VALUES (:batch, :day)"),
        {"batch": batch_id, "day": day},
    )


def add_day(engine: Engine, keeper: Keeper, batch_id: int, day: dt.date, today: dt.date) -> None:
    """Adds a day the batch met (from its first day up to today, once)."""
    with data_write(engine) as conn:
        batch = _kept_batch(conn, keeper, batch_id)
        errors = _day_errors("day", day, batch.first_day, today)
        if not errors and run(
            conn,
            "SELECT 1 FROM training_batch_days WHERE batch_id = :batch AND held_on = :day",
            {"batch": batch_id, "day": day},
        ):
            errors.append(FieldError("day", "already_added", {"date": day.isoformat()}))
        if errors:
            raise ValidationFailed(errors)
        _insert_day(conn, batch_id, day)
        _audit_batch(
            conn,
            keeper,
            batch_id,
            "add_day",
            before=None,
            after={"day": day.isoformat()},
        )


def remove_day(engine: Engine, keeper: Keeper, batch_id: int, day: dt.date) -> None:
    """Removes a day added by mistake, only while nobody is ticked present in it here."""
    with data_write(engine) as conn:
        _kept_batch(conn, keeper, batch_id)
        if run(
            conn,
            "SELECT 1 FROM training_days WHERE batch_id = :batch AND attended_on = :day",
            {"batch": batch_id, "day": day},
        ):
            raise ValidationFailed([FieldError("day", "has_attendance")])
        removed = conn.execute(
            text("DELETE FROM training_batch_days WHERE batch_id = :batch AND held_on = :day"),
            {"batch": batch_id, "day": day},
        ).rowcount
        if not removed:
            raise ValidationFailed([FieldError("day", "not_a_day")])
        _audit_batch(
            conn,
            keeper,
            batch_id,
            "remove_day",
            before={"day": day.isoformat()},
            after=None,
        )


def add_members(engine: Engine, keeper: Keeper, batch_id: int, codes: Collection[str]) -> int:
    """Enrols borrowers the viewer may enrol (by code); returns how many were new."""
    with data_write(engine) as conn:
        batch = _kept_batch(conn, keeper, batch_id)
        wanted = sorted({c.strip() for c in codes if c.strip()})
        if not wanted:
            raise ValidationFailed([FieldError("borrowers", "required")])
        reach, params = borrower_reach_sql(keeper, batch.branch)
        marks = ", ".join(f":c{i}" for i in range(len(wanted)))
        found = {
            r.borrower_code: int(r.id)
            for r in run(
                conn,
                f"""SELECT b.id, b.borrower_code FROM borrowers b
                    JOIN staff s ON s.id = b.officer_id
                    WHERE b.borrower_code IN ({marks}) AND {reach}""",
                {**params, **{f"c{i}": c for i, c in enumerate(wanted)}},
            )
        }
        missing = [c for c in wanted if c not in found]
        if missing:
            raise ValidationFailed(
                [FieldError("borrowers", "not_in_reach", {"codes": ", ".join(missing)})]
            )
        added = _enrol(conn, batch_id, found.values())
        _audit_batch(
            conn,
            keeper,
            batch_id,
            "add_members",
            before=None,
            after={"borrowers": wanted},
        )
        return added


def _enrol(conn: Connection, batch_id: int, borrower_ids: Collection[int]) -> int:
    present = {
        int(r.borrower_id)
        for r in run(
            conn,
            "SELECT borrower_id FROM training_batch_members WHERE batch_id = :batch",
            {"batch": batch_id},
        )
    }
    new = [b for b in borrower_ids if b not in present]
    if new:
        conn.execute(
            text("""INSERT INTO training_batch_members (batch_id, borrower_id, added_at)
                    VALUES (:batch, :borrower, :at)"""),
            [{"batch": batch_id, "borrower": b, "at": _now()} for b in new],
        )
    return len(new)


def add_applicant(
    engine: Engine, keeper: Keeper, batch_id: int, form: ApplicantForm, today: dt.date
) -> str:
    """Enters a new applicant as a borrower and enrols them; returns their code. An
    officer's applicants are their own, whatever officer the form names."""
    with data_write(engine) as conn:
        batch = _kept_batch(conn, keeper, batch_id)
        if keeper.scope.kind == "officer":
            form = dataclasses.replace(form, officer_code=keeper.scope.staff_code or "")
        officer_id, errors = check_applicant(conn, form, batch.branch)
        if errors or officer_id is None:
            raise ValidationFailed(errors)
        borrower_id, code = insert_applicant(conn, form, officer_id, today)
        _enrol(conn, batch_id, [borrower_id])
        _audit_batch(
            conn,
            keeper,
            batch_id,
            "add_applicant",
            before=None,
            # No phone in the trail: the borrower's file holds it, masked where shown.
            after={"borrower": code, "officer": form.officer_code.strip()},
        )
        refresh_kept_officers(conn, [form.officer_code.strip()])
        mark_loans_kept_current(conn)  # a borrower without loans moves no loan figure
        return code


def set_attendance(
    engine: Engine,
    keeper: Keeper,
    batch_id: int,
    marks: Mapping[dt.date, Mapping[str, bool]],
) -> int:
    """Ticks (True) or unticks (False) members by borrower code on days of the batch, in
    one transaction: one tick, "all present" for a day, or a paper sheet of many days.
    Days locked here (imported, or ticked in another batch) are left as they are. Returns
    how many training days were added or removed."""
    with data_write(engine) as conn:
        batch = _kept_batch(conn, keeper, batch_id)
        days = {
            as_date(r.held_on)
            for r in run(
                conn,
                "SELECT held_on FROM training_batch_days WHERE batch_id = :batch",
                {"batch": batch_id},
            )
        }
        members = {
            r.borrower_code: (int(r.id), r.staff_code)
            for r in run(
                conn,
                """SELECT b.id, b.borrower_code, s.staff_code
                   FROM training_batch_members m JOIN borrowers b ON b.id = m.borrower_id
                   JOIN staff s ON s.id = b.officer_id WHERE m.batch_id = :batch""",
                {"batch": batch_id},
            )
        }
        errors = [
            FieldError("day", "not_a_day", {"date": d.isoformat()}) for d in marks if d not in days
        ]
        strangers = sorted({c for ticks in marks.values() for c in ticks if c not in members})
        if strangers:
            errors.append(FieldError("members", "not_members", {"codes": ", ".join(strangers)}))
        if errors:
            raise ValidationFailed(errors)
        changed, touched = 0, set()
        for day, ticks in sorted(marks.items()):
            for code, present in sorted(ticks.items()):
                borrower_id = members[code][0]
                if _mark(conn, batch, borrower_id, day, present):
                    changed += 1
                    touched.add(code)
        if changed:
            _after_training_write(
                conn, [members[c][0] for c in touched], {members[c][1] for c in touched}
            )
            _audit_batch(
                conn,
                keeper,
                batch_id,
                "attendance",
                before=None,
                after={
                    d.isoformat(): {c: p for c, p in sorted(t.items())}
                    for d, t in sorted(marks.items())
                },
            )
        return changed


def _mark(conn: Connection, batch: _Batch, borrower_id: int, day: dt.date, present: bool) -> bool:
    """Writes one member's presence on one day; True when a row was added or removed."""
    stored = run(
        conn,
        """SELECT id, source, batch_id FROM training_days
           WHERE borrower_id = :borrower AND attended_on = :day""",
        {"borrower": borrower_id, "day": day},
    )
    if present:
        if stored:
            return False  # already a training day, from here or elsewhere: it counts once
        conn.execute(
            text("""INSERT INTO training_days
                    (borrower_id, attended_on, trainer_id, source, batch_id)
                    VALUES (:borrower, :day, :trainer, 'app', :batch)"""),
            {"borrower": borrower_id, "day": day, "trainer": batch.trainer_id, "batch": batch.id},
        )
        return True
    if not stored or stored[0].source != "app" or stored[0].batch_id != batch.id:
        return False  # absent already, or a day this batch did not write
    conn.execute(text("DELETE FROM training_days WHERE id = :id"), {"id": stored[0].id})
    return True


def _after_training_write(
    conn: Connection, borrower_ids: Collection[int], officer_codes: Collection[str]
) -> None:
    """Loans' training days recounted, the officers' kept figures refreshed, and the
    kept cohorts dropped only if some loan's count moved."""
    if refresh_training_days(conn, borrower_ids):
        drop_kept_cohorts(conn)
    elif any(
        run(conn, "SELECT 1 FROM loans WHERE borrower_id = :b LIMIT 1", {"b": b})
        for b in borrower_ids
    ):
        # A day after a member's loans moves no loan figure, but the cohorts by trainer
        # read the days themselves: forgotten too, rebuilt on the next open.
        drop_kept_cohorts(conn)
    refresh_kept_officers(conn, sorted(officer_codes))
    mark_loans_kept_current(conn)


def close_batch(engine: Engine, keeper: Keeper, batch_id: int) -> None:
    """Closes an open batch: no more days or ticks until it is reopened."""
    with data_write(engine) as conn:
        _kept_batch(conn, keeper, batch_id)
        conn.execute(
            text("UPDATE training_batches SET closed_at = :at, closed_by = :by WHERE id = :batch"),
            {"at": _now(), "by": keeper.username, "batch": batch_id},
        )
        _audit_batch(
            conn,
            keeper,
            batch_id,
            "close",
            before={"closed": False},
            after={"closed": True},
        )


def reopen_batch(engine: Engine, keeper: Keeper, batch_id: int, reason: str) -> None:
    """Reopens a closed batch for its trainer (or an admin), with the reason audited."""
    with data_write(engine) as conn:
        batch = _batch(conn, keeper, batch_id)
        if not may_reopen(keeper, batch.trainer_id):
            raise ValidationFailed([FieldError("batch", "not_its_trainer")])
        if not batch.closed:
            raise ValidationFailed([FieldError("batch", "not_closed")])
        cleaned = " ".join(reason.split())
        if not cleaned:
            raise ValidationFailed([FieldError("reason", "required")])
        if len(cleaned) > REASON_MAX:
            raise ValidationFailed([FieldError("reason", "too_long", {"max": str(REASON_MAX)})])
        conn.execute(
            text(
                "UPDATE training_batches SET closed_at = NULL, closed_by = NULL WHERE id = :batch"
            ),
            {"batch": batch_id},
        )
        _audit_batch(
            conn,
            keeper,
            batch_id,
            "reopen",
            before={"closed": True},
            after={"closed": False, "reason": cleaned},
        )
