"""Hypothesis strategies: random valid portfolios (tests/builders.py format) and periods.

Every generated portfolio obeys docs/import-format.md, so it can be imported into a real
database and the engine's figures compared with tests/oracle.py. The draws lean towards the
edges of the metric definitions: payments exactly on a due date or one day late, partial,
split, combined and early payments, zero-principal installments, same-day loans of one
borrower, training around the disbursement day, write-offs and dates after any as-of date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from core.db.models import VISIT_OUTCOMES, VISIT_PURPOSES
from core.metrics.params import MetricParams
from core.metrics.period import Period
from tests.builders import ACTIVITIES

Tables = dict[str, list[dict[str, str]]]

YEAR_START = dt.date(2025, 1, 1)
YEAR_END = dt.date(2025, 12, 31)
# Offsets from a due date that sit on the boundaries of on-time (grace 0-5), DPD >= 1,
# DPD > 30, ever-30 (due + 31) and DPD > 90; plus early payments.
PAY_OFFSETS = (-20, -5, -1, 0, 0, 0, 1, 1, 2, 5, 6, 29, 30, 31, 32, 60, 90, 91, 92)
PAY_ACTIONS = ("skip", "exact", "exact", "partial", "split", "cover_two", "prepay_all", "zero")


def money(value_cents: int, short: bool = False) -> str:
    """Cents as a money cell: "1000.50", or with `short` the shortest form ("1000.5", "7")."""
    text = f"{value_cents // 100}.{value_cents % 100:02d}"
    return text.rstrip("0").rstrip(".") if short and "." in text else text


def _hours(hundredths: int) -> str:
    return money(hundredths, short=True)


def _day(draw: st.DrawFn, low: dt.date, high: dt.date) -> dt.date:
    return low + dt.timedelta(days=draw(st.integers(0, max((high - low).days, 0))))


def _staff(officers: list[str]) -> list[dict[str, str]]:
    rows = [
        {"staff_code": code, "name": f"Officer {code}", "role": "officer", "branch": "城关支行"}
        | {"team": "一组" if i % 2 == 0 else "二组", "hired_on": "2020-03-01" if i else ""}
        for i, code in enumerate(officers)
    ]
    rows.append(
        {"staff_code": "TL1", "name": "李强", "role": "team_leader", "branch": "城关支行"}
        | {"team": "一组", "hired_on": ""}
    )
    rows.append(
        {"staff_code": "TR1", "name": "王芳", "role": "trainer", "branch": "城关支行"}
        | {"team": "", "hired_on": ""}
    )
    return rows


def _principal_parts(draw: st.DrawFn, principal: int, count: int) -> list[int]:
    """Installment amounts summing exactly to the principal, zeros allowed."""
    if draw(st.booleans()):
        parts = [principal // count] * count
        parts[-1] += principal - sum(parts)
    else:
        size = count - 1
        cuts = sorted(draw(st.lists(st.integers(0, principal), min_size=size, max_size=size)))
        bounds = [0, *cuts, principal]
        parts = [bounds[i + 1] - bounds[i] for i in range(count)]
    if count > 1 and draw(st.booleans()):
        # A zero-principal installment (interest only): move its amount to a neighbour.
        k = draw(st.integers(0, count - 1))
        other = (k + 1) % count
        parts[other] += parts[k]
        parts[k] = 0
    return parts


def _schedule(
    draw: st.DrawFn, loan_code: str, disbursed: dt.date, principal: int
) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 6))
    parts = _principal_parts(draw, principal, count)
    due = disbursed + dt.timedelta(days=draw(st.sampled_from([0, 1, 7, 30, 31, 45])))
    dues = []
    for _ in range(count):
        dues.append(due)
        # A gap of 0 makes two installments due on one day, ordered by seq.
        due += dt.timedelta(days=draw(st.sampled_from([0, 1, 7, 14, 28, 30, 31, 61])))
    # seq usually follows the due dates; sometimes not, to test ordering by (due_date, seq).
    seqs = (
        draw(st.permutations(range(1, count + 1))) if draw(st.booleans()) else range(1, count + 1)
    )
    interest = draw(st.booleans())
    return [
        {
            "loan_code": loan_code,
            "seq": str(seq),
            "due_date": d.isoformat(),
            "principal_due": money(part, short=draw(st.booleans())),
            "interest_due": money(part // 50) if interest else "",
        }
        for seq, d, part in zip(seqs, dues, parts, strict=True)
    ]


def _repayments(
    draw: st.DrawFn, loan_code: str, disbursed: dt.date, schedule: list[dict[str, Any]]
) -> list[tuple[str, dt.date, int]]:
    """Payments moving the loan's total paid towards installment boundaries, never above."""
    ordered = sorted(schedule, key=lambda r: (r["due_date"], int(r["seq"])))
    cumulative, running = [], 0
    for row in ordered:
        running += int(Decimal(row["principal_due"]) * 100)
        cumulative.append(running)
    principal, paid, payments = running, 0, []
    for k, row in enumerate(ordered):
        action = draw(st.sampled_from(PAY_ACTIONS))
        offset = draw(st.sampled_from(PAY_OFFSETS))
        when = max(dt.date.fromisoformat(row["due_date"]) + dt.timedelta(days=offset), disbursed)
        target = {
            "exact": cumulative[k],
            "split": cumulative[k],
            "cover_two": cumulative[min(k + 1, len(ordered) - 1)],
            "prepay_all": principal,
        }.get(action, paid)
        if action == "partial":
            target = draw(st.integers(paid, max(cumulative[k], paid)))
        amount = target - paid
        if action == "zero":  # an interest-only payment: principal_paid 0.00
            payments.append((loan_code, when, 0))
        elif action == "split" and amount > 1:
            first = draw(st.integers(1, amount - 1))
            # The second part comes the same day (several payments on one date) or later.
            later = when + dt.timedelta(days=draw(st.sampled_from([0, 0, 1, 3])))
            payments += [(loan_code, when, first), (loan_code, later, amount - first)]
        elif amount > 0:
            payments.append((loan_code, when, amount))
        paid = max(paid, target)
    return payments


@st.composite
def portfolios(draw: st.DrawFn) -> Tables:
    """A small valid portfolio: 2-3 officers (sometimes one without loans), 1-6 borrowers."""
    officers = [f"OF{i}" for i in range(1, draw(st.integers(2, 3)) + 1)]
    lenders = officers[:-1] if draw(st.booleans()) else officers
    borrowers = [f"B{i}" for i in range(1, draw(st.integers(1, 6)) + 1)]
    owner = {b: draw(st.sampled_from(lenders)) for b in borrowers}
    tables: Tables = {"staff": _staff(officers)}
    tables["borrowers"] = [
        {"borrower_code": b, "name": f"借款人{b}", "officer_code": owner[b], "village": "李家庄"}
        | {"group_code": "G1" if i < 5 else "", "joined_on": "2024-12-01", "business_type": ""}
        | {"phone": "", "id_number": ""}
        for i, b in enumerate(borrowers)
    ]
    # At least one loan overall: the importer crashes on a header-only loans.csv.
    counts = {b: draw(st.integers(0 if i else 1, 3)) for i, b in enumerate(borrowers)}
    # Codes in random order, so a same-day tie is not always won by the first loan drawn.
    numbers = draw(st.permutations(range(1, sum(counts.values()) + 1)))
    loans: list[Any] = []
    schedule: list[Any] = []
    payments: list[Any] = []
    anchor: dict[str, Any] = {}
    for b in borrowers:
        disbursed = _day(draw, YEAR_START, dt.date(2025, 11, 30))
        anchor[b] = disbursed
        for _ in range(counts[b]):
            code = f"L{numbers[len(loans)]:02d}"
            principal = draw(
                st.one_of(st.integers(1, 40).map(lambda n: n * 25_000), st.integers(1, 900_000))
            )
            written_off = ""
            if draw(st.integers(0, 3)) == 0:
                written_off = (disbursed + dt.timedelta(days=draw(st.integers(0, 250)))).isoformat()
            officer = draw(st.one_of(st.just(owner[b]), st.sampled_from(lenders)))
            loans.append(
                {"loan_code": code, "borrower_code": b, "officer_code": officer}
                | {"disbursed_on": disbursed.isoformat(), "principal": money(principal)}
                | {"annual_rate": "0.085", "term_months": "", "cycle": ""}
                | {"appraisal_grade": draw(st.sampled_from(["", "A", "B", "C", "D"]))}
                | {"product": "", "purpose": "", "written_off_on": written_off}
            )
            rows = _schedule(draw, code, disbursed, principal)
            schedule += rows
            payments += _repayments(draw, code, disbursed, rows)
            # The next loan: often the same day (a first-loan tie), else some months later.
            disbursed += dt.timedelta(days=draw(st.sampled_from([0, 0, 60, 120, 200])))
    _number_cycles(draw, loans)
    tables["loans"], tables["installments"] = loans, schedule
    tables["repayments"] = [
        {"loan_code": code, "paid_on": when.isoformat(), "principal_paid": money(amount)}
        | {"interest_paid": draw(st.sampled_from(["", "0", "12.30"]))}
        | {"receipt_no": f"R{i}" if draw(st.booleans()) else ""}
        for i, (code, when, amount) in enumerate(payments, start=1)
    ]
    tables["training"] = _training(draw, borrowers, anchor)
    dues = {b: [r["due_date"] for r in schedule if _borrower(loans, r) == b] for b in borrowers}
    tables["visits"] = _visits(draw, borrowers, officers, owner, dues)
    tables["time_log"] = _time_log(draw, officers)
    return tables


def _number_cycles(draw: st.DrawFn, loans: list[dict[str, str]]) -> None:
    """Fills `cycle` (1 for the first loan, as the spec breaks ties) or leaves it empty."""
    if not draw(st.booleans()):
        return
    order = sorted(loans, key=lambda r: (r["borrower_code"], r["disbursed_on"], r["loan_code"]))
    for i, loan in enumerate(order):
        same = i > 0 and order[i - 1]["borrower_code"] == loan["borrower_code"]
        loan["cycle"] = str(int(order[i - 1]["cycle"]) + 1 if same else 1)


def _borrower(loans: list[dict[str, str]], installment: dict[str, str]) -> str:
    return next(r["borrower_code"] for r in loans if r["loan_code"] == installment["loan_code"])


def _training(
    draw: st.DrawFn, borrowers: list[str], anchor: dict[str, dt.date]
) -> list[dict[str, str]]:
    """Training days around each borrower's first disbursement: before, on and after it."""
    rows = []
    for b in borrowers:
        # Up to 7 days on or before the disbursement (around min_training_days 3-6), and
        # up to 2 after it, which must not count.
        before = draw(st.sets(st.integers(-20, 0), min_size=draw(st.integers(0, 7))))
        offsets = before | draw(st.sets(st.integers(1, 10), max_size=2))
        for offset in sorted(offsets):
            attended = (anchor[b] + dt.timedelta(days=offset)).isoformat()
            trainer = draw(st.sampled_from(["TR1", ""]))
            rows.append({"borrower_code": b, "attended_on": attended, "trainer_code": trainer})
            if draw(st.integers(0, 5)) == 0:
                # The same borrower and day twice (even by another trainer) counts once.
                rows.append({"borrower_code": b, "attended_on": attended, "trainer_code": "TR1"})
    return rows


def _visits(
    draw: st.DrawFn,
    borrowers: list[str],
    officers: list[str],
    owner: dict[str, str],
    dues: dict[str, list[str]],
) -> list[dict[str, str]]:
    """Visits shortly before, on and after due dates, by the owner or someone else; some
    repeated exactly or on the same day, as real exports do."""
    rows = []
    for b in borrowers:
        for _ in range(draw(st.integers(0, 4))):
            officer = draw(st.one_of(st.just(owner[b]), st.sampled_from([*officers, "TL1"])))
            near_a_due: bool = draw(st.booleans()) if dues[b] else False
            if near_a_due:
                due = dt.date.fromisoformat(draw(st.sampled_from(dues[b])))
                visited = due + dt.timedelta(days=draw(st.sampled_from([-1, 0, 1, 2, 10, 40])))
            else:
                visited = _day(draw, YEAR_START, YEAR_END)
            rows.append(
                {"officer_code": officer, "borrower_code": b, "visited_on": visited.isoformat()}
                | {"purpose": draw(st.sampled_from(VISIT_PURPOSES))}
                | {"outcome": draw(st.sampled_from(["", *VISIT_OUTCOMES]))}
                | {"notes": ""}
            )
            # Real exports repeat visits: the same one again, or the same day once more.
            repeat = draw(st.sampled_from(["none", "none", "exact", "same_day"]))
            if repeat == "exact":
                rows.append(dict(rows[-1]))
            elif repeat == "same_day":
                rows.append(rows[-1] | {"outcome": draw(st.sampled_from(["", *VISIT_OUTCOMES]))})
    return rows


def _time_log(draw: st.DrawFn, officers: list[str]) -> list[dict[str, str]]:
    """Working days of 1-3 entries (an activity may come twice), each day at most 24 hours
    (sometimes exactly 24)."""
    rows = []
    for officer in [*officers, "TL1"]:
        dates = draw(st.sets(st.integers(0, 364), max_size=4))
        for offset in sorted(dates):
            work_date = (YEAR_START + dt.timedelta(days=offset)).isoformat()
            activities = draw(st.lists(st.sampled_from(ACTIVITIES), min_size=1, max_size=3))
            left = 2400
            # The same activity twice on one day is two entries (morning and afternoon).
            for activity in activities:
                if left == 0:
                    break
                wanted = draw(
                    st.one_of(st.sampled_from([50, 350, 400, 725, 2400]), st.integers(1, 2400))
                )
                hundredths = min(wanted, left)
                left -= hundredths
                rows.append(
                    {"officer_code": officer, "work_date": work_date, "activity": activity}
                    | {"hours": _hours(hundredths)}
                )
    return rows


@st.composite
def periods(draw: st.DrawFn) -> tuple[Period, MetricParams]:
    """A period in 2025 with an as-of date at, before, after or anywhere around its end."""
    start = _day(draw, YEAR_START, YEAR_END)
    end = _day(draw, start, YEAR_END)
    mode = draw(st.sampled_from(["end", "before", "after", "anywhere"]))
    if mode == "end":
        as_of = end
    elif mode == "before":
        as_of = _day(draw, start, end)
    elif mode == "after":
        as_of = _day(draw, end, YEAR_END)
    else:  # possibly before the start: then nothing of the period is seen
        as_of = _day(draw, YEAR_START, YEAR_END)
    params = MetricParams(
        min_training_days=draw(st.integers(3, 6)),
        grace_days=draw(st.integers(0, 5)),
        visit_window_days=draw(st.integers(30, 120)),
        followup_after_days=draw(st.integers(1, 14)),
    )
    return Period(start, end, as_of), params
