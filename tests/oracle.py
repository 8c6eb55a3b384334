"""An independent reference implementation of the figures of docs/metrics.md, in plain Python.

It reads the in-memory tables of tests/builders.py (text cells exactly as in the CSV files)
and follows every definition word for word: slow on purpose, with no SQL and no code shared
with the metrics engine, so that property tests can compare the engine against it.
Money is integer cents, ratios are Fractions (None where the denominator is 0).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from core.metrics.params import MetricParams
from core.metrics.period import Period

Tables = dict[str, list[dict[str, str]]]
Installment = tuple[dt.date, int, int]  # (due_date, seq, principal_due in cents)

OFFICER_KEYS = (
    "active_loans",
    "active_borrowers",
    "outstanding_principal",
    "par1",
    "par30",
    "par90",
    "principal_due",
    "principal_collected",
    "recovery_rate",
    "on_time_rate",
    "disbursed_count",
    "disbursed_amount",
    "first_loans",
    "first_loans_trained",
    "training_compliance",
    "visit_coverage",
    "followups_overdue",
    "hours",
    "time_share",
)
COHORT_KEYS = (
    "first_loans",
    "principal_due",
    "principal_collected",
    "recovery_rate",
    "ever_par30_loans",
    "ever_par30_rate",
)


def day(text: str) -> dt.date:
    """A YYYY-MM-DD cell as a date."""
    return dt.date.fromisoformat(text)


def cents(text: str) -> int:
    """A money cell ("1000.5", "7", "0.01") as exact integer cents."""
    value = Decimal(text) * 100
    # The import format allows at most 2 decimal places, so this is always whole.
    assert value == value.to_integral_value(), text
    return int(value)


def ratio(numerator: int | Fraction, denominator: int | Fraction) -> Fraction | None:
    """numerator / denominator, or None where the denominator is 0 (the spec's null)."""
    return None if denominator == 0 else Fraction(numerator) / Fraction(denominator)


def loan_row(tables: Tables, loan_code: str) -> dict[str, str]:
    """The loans row with this loan_code."""
    return next(row for row in tables["loans"] if row["loan_code"] == loan_code)


def installments(tables: Tables, loan_code: str) -> list[Installment]:
    """The loan's installments as (due_date, seq, principal_due cents) by (due_date, seq)."""
    rows = [r for r in tables["installments"] if r["loan_code"] == loan_code]
    return sorted((day(r["due_date"]), int(r["seq"]), cents(r["principal_due"])) for r in rows)


def paid(tables: Tables, loan_code: str, t: dt.date) -> int:
    """paid(t): the loan's principal_paid (cents) over repayments with paid_on <= t."""
    return sum(
        cents(r["principal_paid"])
        for r in tables["repayments"]
        if r["loan_code"] == loan_code and day(r["paid_on"]) <= t
    )


def covered(tables: Tables, loan_code: str, seq: int, t: dt.date) -> int:
    """covered_k(t) = min(max(paid(t) - before_k, 0), principal_due_k) for installment seq."""
    before = 0
    for _due, number, due_cents in installments(tables, loan_code):
        if number == seq:
            return min(max(paid(tables, loan_code, t) - before, 0), due_cents)
        before += due_cents
    raise KeyError(f"loan {loan_code} has no installment {seq}")


def is_unpaid(tables: Tables, loan_code: str, seq: int, t: dt.date) -> bool:
    """Installment seq is unpaid at t: covered_k(t) < principal_due_k (never so for 0 due)."""
    due_cents = next(c for _d, s, c in installments(tables, loan_code) if s == seq)
    return covered(tables, loan_code, seq, t) < due_cents


def outstanding(tables: Tables, loan_code: str, t: dt.date) -> int:
    """outstanding(t) = principal - paid(t), in cents."""
    return cents(loan_row(tables, loan_code)["principal"]) - paid(tables, loan_code, t)


def is_active(tables: Tables, loan_code: str, t: dt.date) -> bool:
    """Disbursed on or before t, not written off on or before t, and outstanding(t) > 0."""
    loan = loan_row(tables, loan_code)
    written_off = loan["written_off_on"]
    return (
        day(loan["disbursed_on"]) <= t
        and (written_off == "" or day(written_off) > t)
        and outstanding(tables, loan_code, t) > 0
    )


def first_overdue_due_date(tables: Tables, loan_code: str, t: dt.date) -> dt.date | None:
    """The due_date of the first installment (by due_date, seq) with due_date < t unpaid at t."""
    for due, seq, _cents in installments(tables, loan_code):
        if due < t and is_unpaid(tables, loan_code, seq, t):
            return due
    return None


def dpd(tables: Tables, loan_code: str, t: dt.date) -> int:
    """Days past due at t: t minus the first overdue unpaid installment's due_date, else 0."""
    due = first_overdue_due_date(tables, loan_code, t)
    return 0 if due is None else (t - due).days


def training_days(tables: Tables, loan_code: str) -> int:
    """Distinct attended_on dates of the loan's borrower on or before its disbursed_on."""
    loan = loan_row(tables, loan_code)
    disbursed = day(loan["disbursed_on"])
    # A set: the same borrower and day twice counts once.
    return len(
        {
            day(r["attended_on"])
            for r in tables["training"]
            if r["borrower_code"] == loan["borrower_code"] and day(r["attended_on"]) <= disbursed
        }
    )


def first_loan_code(tables: Tables, borrower_code: str) -> str:
    """The borrower's loan with the earliest disbursed_on, ties to the smallest loan_code.

    Raises ValueError for a borrower without loans.
    """
    loans = [r for r in tables["loans"] if r["borrower_code"] == borrower_code]
    if not loans:
        raise ValueError(f"borrower {borrower_code} has no loans")
    return min((day(r["disbursed_on"]), r["loan_code"]) for r in loans)[1]


def ever_30(tables: Tables, loan_code: str, t: dt.date) -> bool:
    """Some installment k has due_date_k + 31 days <= t and is unpaid at due_date_k + 31 days."""
    for due, seq, _cents in installments(tables, loan_code):
        mark = due + dt.timedelta(days=31)
        if mark <= t and is_unpaid(tables, loan_code, seq, mark):
            return True
    return False


def _visited(tables: Tables, officer: str, borrower: str, after: dt.date, until: dt.date) -> bool:
    """A visit by this officer to this borrower with after < visited_on <= until."""
    return any(
        v["officer_code"] == officer
        and v["borrower_code"] == borrower
        and after < day(v["visited_on"]) <= until
        for v in tables["visits"]
    )


def officer_figures(
    tables: Tables, officer_code: str, period: Period, params: MetricParams
) -> dict[str, object]:
    """The spec's officer table for one officer (loans attributed by loans.officer_code)."""
    as_of, start, last = period.as_of, period.start, period.last
    loans = [r for r in tables["loans"] if r["officer_code"] == officer_code]
    codes = [r["loan_code"] for r in loans]
    borrower_of = {r["loan_code"]: r["borrower_code"] for r in loans}

    active = [c for c in codes if is_active(tables, c, as_of)]
    active_borrowers = {borrower_of[c] for c in active}
    balance = {c: outstanding(tables, c, as_of) for c in active}
    total = sum(balance.values())

    def par(at_risk: Callable[[int], bool]) -> Fraction | None:
        return ratio(sum(balance[c] for c in active if at_risk(dpd(tables, c, as_of))), total)

    due_total = collected = on_time = 0
    for code in codes:
        for due, seq, due_cents in installments(tables, code):
            if start <= due <= last:
                due_total += due_cents
                collected += covered(tables, code, seq, as_of)
                # Paid by the due date plus grace, but never counting a payment after as_of.
                on_time_at = min(due + dt.timedelta(days=params.grace_days), as_of)
                on_time += covered(tables, code, seq, on_time_at)

    disbursed = [r for r in loans if start <= day(r["disbursed_on"]) <= last]
    firsts = [
        r["loan_code"]
        for r in disbursed
        if first_loan_code(tables, r["borrower_code"]) == r["loan_code"]
    ]
    trained = [c for c in firsts if training_days(tables, c) >= params.min_training_days]

    window_start = as_of - dt.timedelta(days=params.visit_window_days)
    visited = [
        b for b in active_borrowers if _visited(tables, officer_code, b, window_start, as_of)
    ]

    followups = 0
    for code in active:
        overdue_since = first_overdue_due_date(tables, code, as_of)
        # The visit must follow the first overdue installment's due date, so a loan with
        # nothing overdue has nothing to follow up (matters only if followup_after_days is 0).
        if overdue_since is None or dpd(tables, code, as_of) < params.followup_after_days:
            continue
        if not _visited(tables, officer_code, borrower_of[code], overdue_since, as_of):
            followups += 1

    by_activity: dict[str, Fraction] = {}
    for entry in tables["time_log"]:
        if entry["officer_code"] == officer_code and start <= day(entry["work_date"]) <= last:
            activity = entry["activity"]
            by_activity[activity] = by_activity.get(activity, Fraction(0)) + Fraction(
                entry["hours"]
            )
    hours = sum(by_activity.values(), Fraction(0))

    return {
        "active_loans": len(active),
        "active_borrowers": len(active_borrowers),
        "outstanding_principal": total,
        "par1": par(lambda days: days >= 1),
        "par30": par(lambda days: days > 30),
        "par90": par(lambda days: days > 90),
        "principal_due": due_total,
        "principal_collected": collected,
        "recovery_rate": ratio(collected, due_total),
        "on_time_rate": ratio(on_time, due_total),
        "disbursed_count": len(disbursed),
        "disbursed_amount": sum(cents(r["principal"]) for r in disbursed),
        "first_loans": len(firsts),
        "first_loans_trained": len(trained),
        "training_compliance": ratio(len(trained), len(firsts)),
        "visit_coverage": ratio(len(visited), len(active_borrowers)),
        "followups_overdue": followups,
        "hours": hours,
        "time_share": {a: h / hours for a, h in sorted(by_activity.items())} if hours else {},
    }


def cohort_figures(
    tables: Tables, as_of: dt.date, params: MetricParams
) -> dict[str, dict[str, object]]:
    """The spec's cohort table: first loans disbursed on or before as_of, trained or not."""
    groups: dict[str, list[str]] = {"trained": [], "untrained": []}
    for borrower in sorted({r["borrower_code"] for r in tables["loans"]}):
        code = first_loan_code(tables, borrower)
        if day(loan_row(tables, code)["disbursed_on"]) > as_of:
            continue
        trained = training_days(tables, code) >= params.min_training_days
        groups["trained" if trained else "untrained"].append(code)

    result: dict[str, dict[str, object]] = {}
    for name, codes in groups.items():
        due_total = collected = 0
        for code in codes:
            for due, seq, due_cents in installments(tables, code):
                if due <= as_of:
                    due_total += due_cents
                    collected += covered(tables, code, seq, as_of)
        ever = sum(1 for code in codes if ever_30(tables, code, as_of))
        result[name] = {
            "first_loans": len(codes),
            "principal_due": due_total,
            "principal_collected": collected,
            "recovery_rate": ratio(collected, due_total),
            "ever_par30_loans": ever,
            "ever_par30_rate": ratio(ever, len(codes)),
        }
    return result
