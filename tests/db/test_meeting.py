"""Recording a group meeting from the collection sheet (core/field/meeting.py): a visit per
member, a field receipt per amount in exact cents, audited, in one transaction; bad input,
loans not the officer's and a second save of the same day refused with nothing written.
On tests/field_portfolio.py (OF1's sheet of 2025-06-20: L1 and L2 in G1, L6 in G2), on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.auth.scope import Scope
from core.db.engine import data_write
from core.field.meeting import (
    MeetingEntry,
    MeetingResult,
    Recorded,
    meeting_records,
    parse_amount,
    record_meeting,
)
from core.validation import FieldError, ValidationFailed
from tests.db.helpers import do_import
from tests.field_portfolio import DAY, write_field_portfolio

OF1 = Scope("officer", staff_code="OF1")
# 18:00 in Shanghai on the meeting day.
NOW = dt.datetime(2025, 6, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert do_import(engine, write_field_portfolio(tmp_path / "in")).ok
    return engine


def _record(
    engine: Engine,
    entries: Sequence[MeetingEntry],
    scope: Scope = OF1,
    day: dt.date = DAY,
    again: Collection[str] = (),
) -> MeetingResult:
    with data_write(engine) as conn:
        return record_meeting(conn, scope, "OF1", day, entries, "wang", NOW, again=again)


def _refused(engine: Engine, entries: Sequence[MeetingEntry], **kwargs: object) -> list[FieldError]:
    with pytest.raises(ValidationFailed) as failed:
        _record(engine, entries, **kwargs)  # type: ignore[arg-type]
    return failed.value.errors


def _visits(engine: Engine) -> list[tuple[str, str, str, str | None, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                """SELECT b.borrower_code, v.visited_on, v.purpose, v.outcome, v.source
                   FROM visits v JOIN borrowers b ON b.id = v.borrower_id
                   WHERE v.source = 'app' ORDER BY b.borrower_code, v.id"""
            )
        )
        return [(r[0], str(r[1]), r[2], r[3], r[4]) for r in rows]


def _receipts(engine: Engine) -> list[tuple[str, str, int, str, str, str, object, object]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                """SELECT l.loan_code, f.received_on, f.amount_cents, s.staff_code,
                          f.recorded_by, vb.borrower_code, f.repayment_id, f.matched_at
                   FROM field_receipts f JOIN loans l ON l.id = f.loan_id
                   JOIN staff s ON s.id = f.officer_id
                   JOIN visits v ON v.id = f.visit_id
                   JOIN borrowers vb ON vb.id = v.borrower_id
                   ORDER BY f.id"""
            )
        )
        return [(r[0], str(r[1]), int(r[2]), r[3], r[4], r[5], r[6], r[7]) for r in rows]


def _audit(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT action, entity_key, actor FROM audit_log WHERE actor = 'wang' ORDER BY id")
        )
        return [(r[0], r[1], r[2]) for r in rows]


def test_a_meeting_writes_a_visit_per_member_and_a_receipt_per_amount(loaded: Engine) -> None:
    result = _record(
        loaded,
        [
            MeetingEntry("L1", amount="300.5"),
            MeetingEntry("L2", outcome="absent"),
            MeetingEntry("L6", amount="７00"),  # a full-width digit, as phone keyboards give
        ],
    )
    assert result.receipts == (("L1", Decimal("300.50")), ("L6", Decimal("700.00")))
    assert result.total == Decimal("1000.50")
    assert set(result.visits) == {"B1", "B2", "B6"}
    assert _visits(loaded) == [
        ("B1", "2025-06-20", "collection", "paid", "app"),
        ("B2", "2025-06-20", "collection", "not_home", "app"),
        ("B6", "2025-06-20", "collection", "paid", "app"),
    ]
    # Exact cents, linked to the member's visit, not matched to a repayment yet.
    assert _receipts(loaded) == [
        ("L1", "2025-06-20", 30050, "OF1", "wang", "B1", None, None),
        ("L6", "2025-06-20", 70000, "OF1", "wang", "B6", None, None),
    ]
    assert _audit(loaded) == [
        ("visit.add", "B1/2025-06-20/collection", "wang"),
        ("field_receipt.add", "L1/2025-06-20", "wang"),
        ("visit.add", "B2/2025-06-20/collection", "wang"),
        ("visit.add", "B6/2025-06-20/collection", "wang"),
        ("field_receipt.add", "L6/2025-06-20", "wang"),
    ]


def test_each_reason_is_saved_as_its_visit_outcome_and_blank_rows_are_not_recorded(
    loaded: Engine,
) -> None:
    _record(
        loaded,
        [
            MeetingEntry("L1", outcome="promised"),
            MeetingEntry("L2", outcome="unwilling"),
            MeetingEntry("L6", amount="  ", outcome=""),
        ],
    )
    _record(loaded, [MeetingEntry("L6", outcome="unable")])
    assert [(v[0], v[3]) for v in _visits(loaded)] == [
        ("B1", "promised"),
        ("B2", "unwilling"),
        ("B6", "unable"),
    ]
    assert _receipts(loaded) == []


def test_bad_amounts_are_refused_by_row_and_nothing_is_written(loaded: Engine) -> None:
    errors = _refused(
        loaded,
        [
            MeetingEntry("L1", amount="12.345"),
            MeetingEntry("L2", amount="-5"),
            MeetingEntry("L6", amount="十元"),
        ],
    )
    assert errors == [
        FieldError("L1", "too_many_decimals"),
        FieldError("L2", "not_positive"),
        FieldError("L6", "not_a_number"),
    ]
    # One good row beside a bad one: the good one is not saved either.
    errors = _refused(loaded, [MeetingEntry("L1", amount="100"), MeetingEntry("L2", amount="0")])
    assert errors == [FieldError("L2", "not_positive")]
    assert _refused(loaded, [MeetingEntry("L1", amount="5", outcome="absent")]) == [
        FieldError("L1", "amount_and_reason")
    ]
    assert _refused(loaded, [MeetingEntry("L1", outcome="gone")]) == [
        FieldError("L1", "unknown_reason")
    ]
    assert (_visits(loaded), _receipts(loaded), _audit(loaded)) == ([], [], [])


def test_amounts_are_read_exactly() -> None:
    assert parse_amount("120") == Decimal("120.00")
    assert parse_amount("0.1") == Decimal("0.10")
    assert parse_amount("¥ 1234.56") == Decimal("1234.56")
    assert parse_amount("1,000") == FieldError("meeting", "not_a_number")
    assert parse_amount("10000000.01") == FieldError(
        "meeting", "too_large", {"max": "10,000,000.00"}
    )


def test_only_the_officer_records_and_only_their_loans(loaded: Engine) -> None:
    for scope in (
        Scope("officer", staff_code="OF2"),
        Scope("team", branch="城关支行", team="城关一组"),
        Scope.everyone(),
    ):
        assert _refused(loaded, [MeetingEntry("L1", amount="10")], scope=scope) == [
            FieldError("officer", "not_yours")
        ]
    # A loan code that is not theirs reads as one that does not exist.
    assert _refused(loaded, [MeetingEntry("L9", amount="10")]) == [FieldError("L9", "not_yours")]
    assert (_visits(loaded), _receipts(loaded)) == ([], [])


def test_a_meeting_in_the_future_is_refused(loaded: Engine) -> None:
    errors = _refused(loaded, [MeetingEntry("L1", amount="10")], day=DAY + dt.timedelta(days=1))
    assert errors == [FieldError("meeting", "visited_on.future", {"today": "2025-06-20"})]
    assert _visits(loaded) == []


def test_a_second_save_of_the_day_is_refused_unless_confirmed_as_another_payment(
    loaded: Engine,
) -> None:
    _record(loaded, [MeetingEntry("L1", amount="300.50"), MeetingEntry("L2", outcome="absent")])
    with loaded.connect() as conn:
        assert meeting_records(conn, OF1, "OF1", DAY) == {
            "L1": Recorded((Decimal("300.50"),), ("paid",)),
            "L2": Recorded((), ("not_home",)),
        }
        # Nobody else reads what an officer recorded through this door.
        assert meeting_records(conn, Scope.everyone(), "OF1", DAY) == {}
    errors = _refused(
        loaded, [MeetingEntry("L1", amount="300.50"), MeetingEntry("L2", amount="50")]
    )
    assert errors == [
        FieldError("L1", "already_recorded", {"amount": "300.50"}),
        FieldError("L2", "already_recorded", {"amount": "0.00"}),
    ]
    assert len(_receipts(loaded)) == 1
    # Confirmed as another payment (the member came back with more): recorded.
    _record(loaded, [MeetingEntry("L1", amount="99.50")], again={"L1"})
    assert [(r[0], r[2]) for r in _receipts(loaded)] == [("L1", 30050), ("L1", 9950)]
    with loaded.connect() as conn:
        assert meeting_records(conn, OF1, "OF1", DAY)["L1"].received == Decimal("400.00")
    # Another day is another meeting.
    with loaded.connect() as conn:
        assert meeting_records(conn, OF1, "OF1", DAY - dt.timedelta(days=1)) == {}


def test_a_meeting_recorded_after_its_repayment_was_posted_is_reconciled_at_once(
    loaded: Engine,
) -> None:
    # The bank posted L1's 300.50 (250.00 principal, 50.50 interest) the day after the
    # meeting, and the import came before the officer recorded the meeting.
    with data_write(loaded) as conn:
        loan = conn.execute(text("SELECT id FROM loans WHERE loan_code = 'L1'")).scalar_one()
        conn.execute(
            text(
                """INSERT INTO repayments (loan_id, paid_on, principal_paid_cents,
                                           interest_paid_cents, paid_cum_cents)
                   VALUES (:loan, :paid_on, 25000, 5050, 0)"""
            ),
            {"loan": loan, "paid_on": DAY + dt.timedelta(days=1)},
        )
        posted = conn.execute(
            text("SELECT max(id) FROM repayments WHERE loan_id = :loan"), {"loan": loan}
        ).scalar_one()
        record_meeting(
            conn,
            OF1,
            "OF1",
            DAY,
            [MeetingEntry("L1", amount="300.50"), MeetingEntry("L6", amount="700")],
            "wang",
            NOW,
            reconcile_days=3,
        )
    matched = {r[0]: r[6] for r in _receipts(loaded)}
    assert matched["L1"] == posted  # without reconcile_days it would wait for an import
