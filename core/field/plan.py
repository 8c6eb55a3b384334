"""An officer's plan for a day (docs/metrics.md, "Field lists"): every borrower to see,
with why, the loans concerned, and the last visit.

The reasons come from the definitions the figures and the visits screen already use: a
follow-up is a loan counted in followups_overdue (core.metrics.officers' SQL), a return
visit is the return-visit board's status (core.visits.reads), the amounts are
core.field.amounts'. Each is one query for the one officer; Python only joins them up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from core.auth.privacy import mask_phone
from core.auth.scope import Scope
from core.db.sqltext import as_date, as_optional_date, run
from core.field.amounts import amounts_sql, is_own, meeting_values, officer_scope
from core.metrics.officers import ACTIVE_LOANS_SQL, followup_overdue_sql, scoped_loans_sql
from core.metrics.params import MetricParams
from core.money import cents_to_yuan
from core.visits.reads import load_return_visit_board
from core.warning.score import SlippingLoan

# The reasons, in the order an item lists them. `slipping` (the early warning, docs/metrics.md
# section 10) is the app's: the spec's plan (`python -m core plan`) has the other four.
REASONS = ("follow_up", "due", "slipping", "return_overdue", "return_soon")
# An installment falling due within this many days after d makes the borrower "due".
DUE_WITHIN_DAYS = 6
_BOARD_REASONS = {"never": "return_overdue", "overdue": "return_overdue", "due_soon": "return_soon"}
# The purpose of the visit an item asks for (the visit form's purposes, core.db.models).
VISIT_PURPOSES = {
    "follow_up": "follow_up",
    "due": "collection",
    "slipping": "follow_up",
    "return_overdue": "return_visit",
    "return_soon": "return_visit",
}
# The week view: the days after d whose plans are looked at ahead.
WEEK_DAYS = 6


@dataclass(frozen=True)
class PlanLoan:
    """A loan of the officer active at d, with DPD(d), arrears(d) and expected(d)."""

    loan_code: str
    dpd: int
    arrears: Decimal
    expected: Decimal


@dataclass(frozen=True)
class PlanItem:
    """A borrower to see on the day; `phone` is masked unless the viewer is the officer."""

    borrower_code: str
    name: str
    village: str
    group_code: str
    phone: str
    reasons: tuple[str, ...]
    loans: tuple[PlanLoan, ...]
    last_visit: dt.date | None
    last_outcome: str | None
    # keep_done plans only: the officer visited the borrower on the day (the visit is
    # last_visit); the reasons are those the day started with.
    done: bool = False
    # The borrower's loans the early warning calls slipping, with their reasons.
    slipping: tuple[SlippingLoan, ...] = ()

    @property
    def arrears(self) -> Decimal:
        """The arrears of the item's loans together (what orders items of a village)."""
        return sum((loan.arrears for loan in self.loans), Decimal("0.00"))

    @property
    def purpose(self) -> str:
        """The purpose of the visit the item asks for: that of its first reason (a
        follow-up, a collection, a return visit)."""
        return VISIT_PURPOSES[self.reasons[0]]


@dataclass(frozen=True)
class Plan:
    """The officer's plan for `day`: items by village, follow-ups first, then arrears."""

    officer_code: str
    day: dt.date
    items: tuple[PlanItem, ...]


@dataclass(frozen=True)
class _Borrower:
    code: str
    name: str
    village: str
    group_code: str
    phone: str
    last_visit: dt.date | None
    last_outcome: str | None


def build_plan(
    conn: Connection,
    scope: Scope,
    officer_code: str,
    day: dt.date,
    params: MetricParams,
    *,
    keep_done: bool = False,
    slipping: Mapping[str, tuple[SlippingLoan, ...]] | None = None,
) -> Plan:
    """The plan of officer `officer_code` for `day`, as the viewer of `scope` may read it:
    no items when the officer is outside the scope, phones in full only for the officer.

    As the spec defines it (`python -m core plan`), a visit on `day` counts: a borrower
    seen today drops their follow-up and return reasons. With `keep_done` (the officer's
    plan page) the reasons are those the day started with (visits before `day`), and an
    item the officer visited on `day` stays, marked `done`, last in its village: the list
    does not shrink under the officer's thumb, and what is left to do keeps its order.
    The items not done are exactly the spec's items of borrowers not visited on `day`.
    `slipping` (borrower code -> the loans the early warning calls slipping; the officer's
    plan page passes it) adds the reason `slipping` to those of the officer's borrowers.
    """
    own = officer_scope(conn, scope, officer_code)
    visits_until = day - dt.timedelta(days=1) if keep_done else day
    loans = _loans(conn, own, day, params, visits_until)
    reasons: dict[str, set[str]] = defaultdict(set)
    loans_of: dict[str, list[PlanLoan]] = defaultdict(list)
    for (borrower, _code), (loan, follow_up, due) in loans.items():
        loans_of[borrower].append(loan)
        if follow_up:
            reasons[borrower].add("follow_up")
        if due:
            reasons[borrower].add("due")
    # Only loans of this officer active on the day: a warning of another scope is no reason.
    for borrower, warned in (slipping or {}).items():
        if any((borrower, warning.loan_code) in loans for warning in warned):
            reasons[borrower].add("slipping")
    window, soon = params.visit_window_days, params.return_soon_days
    board = load_return_visit_board(conn, own, day, window, soon, visits_until=visits_until)
    for row in board:
        if row.status in _BOARD_REASONS:
            reasons[row.borrower_code].add(_BOARD_REASONS[row.status])
    borrowers = _borrowers(conn, own, day) if reasons else {}
    show_phone = is_own(scope, officer_code)
    items = []
    for code, found in reasons.items():
        b = borrowers[code]
        items.append(
            PlanItem(
                borrower_code=code,
                name=b.name,
                village=b.village,
                group_code=b.group_code,
                phone=b.phone if show_phone else mask_phone(b.phone),
                reasons=tuple(r for r in REASONS if r in found),
                loans=tuple(loans_of[code]),
                last_visit=b.last_visit,
                last_outcome=b.last_outcome,
                done=keep_done and b.last_visit == day,
                slipping=(slipping or {}).get(code, ()) if "slipping" in found else (),
            )
        )
    items.sort(
        key=lambda i: (
            i.village,
            i.done,
            "follow_up" not in i.reasons,
            -i.arrears,
            i.borrower_code,
        )
    )
    return Plan(officer_code, day, tuple(items))


def build_week(
    conn: Connection, scope: Scope, officer_code: str, day: dt.date, params: MetricParams
) -> tuple[Plan, ...]:
    """The week ahead of `day`: for each of the WEEK_DAYS days after it, the items that
    day's plan adds, that is its items not already on the plan of `day` (keep_done) or of
    an earlier day of the week. The plans are built from what is known on `day`: as if
    nothing were paid or visited before each of those days."""
    # The page's plan of the day holds every borrower of the spec's plan of the day.
    today = build_plan(conn, scope, officer_code, day, params, keep_done=True)
    seen = {i.borrower_code for i in today.items}
    week = []
    for ahead in range(1, WEEK_DAYS + 1):
        later = build_plan(conn, scope, officer_code, day + dt.timedelta(days=ahead), params)
        new = tuple(i for i in later.items if i.borrower_code not in seen)
        seen |= {i.borrower_code for i in new}
        week.append(Plan(officer_code, later.day, new))
    return tuple(week)


def _loans(
    conn: Connection, own: Scope, day: dt.date, params: MetricParams, visits_until: dt.date
) -> dict[tuple[str, str], tuple[PlanLoan, bool, bool]]:
    """(borrower, loan) → the loan's amounts, whether it needs a follow-up (on the visits
    up to `visits_until`) and whether an installment unpaid at d - 1 falls due in
    [d, d + 6], for the loans active at d."""
    scope_sql, bound = own.staff_where("s")
    rows = run(
        conn,
        f"""
        WITH {scoped_loans_sql(scope_sql)}, {ACTIVE_LOANS_SQL}, {amounts_sql("active")},
        -- Joined from the officer's active loans, not an EXISTS per loan: PostgreSQL
        -- turned that into one scan of the whole cooperative's installments of the week
        -- (0.27 s of a union's 0.37 s plan).
        due_soon AS (
            SELECT DISTINCT i.loan_id
            FROM active lo JOIN installments i ON i.loan_id = lo.id
            WHERE i.due_date >= :as_of AND i.due_date <= :due_until
              AND (i.covered_on IS NULL OR i.covered_on > :day_before))
        SELECT b.borrower_code, a.loan_code, late.first_due,
               CASE WHEN {followup_overdue_sql(":visits_until")} THEN 1 ELSE 0 END
                   AS follow_up,
               CASE WHEN ds.loan_id IS NOT NULL THEN 1 ELSE 0 END AS due,
               COALESCE(am.arrears, 0) AS arrears, COALESCE(am.expected, 0) AS expected
        FROM active a JOIN borrowers b ON b.id = a.borrower_id
        LEFT JOIN late ON late.loan_id = a.id
        LEFT JOIN amounts am ON am.loan_id = a.id
        LEFT JOIN due_soon ds ON ds.loan_id = a.id
        ORDER BY b.borrower_code, a.loan_code""",
        {
            **bound,
            **meeting_values(day, params),
            "due_until": day + dt.timedelta(days=DUE_WITHIN_DAYS),
            "visits_until": visits_until,
        },
    )
    return {
        (r.borrower_code, r.loan_code): (
            PlanLoan(
                r.loan_code,
                0 if r.first_due is None else (day - as_date(r.first_due)).days,
                cents_to_yuan(int(r.arrears)),
                cents_to_yuan(int(r.expected)),
            ),
            bool(r.follow_up),
            bool(r.due),
        )
        for r in rows
    }


def _borrowers(conn: Connection, own: Scope, day: dt.date) -> dict[str, _Borrower]:
    """The officer's borrowers (a loan of theirs disbursed by d) with the officer's last
    visit by d and its outcome."""
    scope_sql, bound = own.staff_where("s")
    rows = run(
        conn,
        f"""
        WITH served AS (
            SELECT DISTINCT l.officer_id, l.borrower_id
            FROM loans l JOIN staff s ON s.id = l.officer_id
            WHERE s.role = 'officer' AND {scope_sql} AND l.disbursed_on <= :as_of),
        latest AS (
            SELECT v.borrower_id, v.visited_on, v.outcome,
                   ROW_NUMBER() OVER (PARTITION BY v.officer_id, v.borrower_id
                                      ORDER BY v.visited_on DESC, v.id DESC) AS rn
            FROM visits v JOIN served sv
              ON sv.officer_id = v.officer_id AND sv.borrower_id = v.borrower_id
            WHERE v.visited_on <= :as_of)
        SELECT b.borrower_code, b.name, b.village, b.group_code, b.phone,
               lv.visited_on, lv.outcome
        FROM served sv JOIN borrowers b ON b.id = sv.borrower_id
        LEFT JOIN latest lv ON lv.borrower_id = sv.borrower_id AND lv.rn = 1""",
        {**bound, "as_of": day},
    )
    return {
        r.borrower_code: _Borrower(
            r.borrower_code,
            r.name,
            r.village,
            r.group_code or "",
            r.phone or "",
            as_optional_date(r.visited_on),
            r.outcome,
        )
        for r in rows
    }
