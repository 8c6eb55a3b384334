"""Field receipts matched to posted repayments, the figure field_receipts_unreconciled and
the receipts screen's read (docs/metrics.md, "Field cash reconciled"), hand-computed on
tests/receipts_portfolio.py, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.auth.scope import Scope
from core.db.engine import read_data_version, write_transaction
from core.field.receipts import list_receipts
from core.field.reconcile import ReconcileResult, reconcile
from core.metrics.officers import compute_officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import parse_period
from tests.builders import write_folder
from tests.db.helpers import counts, do_import
from tests.receipts_portfolio import JUNE_PAYMENTS, RECEIPTS, add_receipts, receipts_portfolio

NOW = dt.datetime(2025, 6, 24, 8, 0, tzinfo=dt.UTC)
OF1 = Scope("officer", staff_code="OF1")
OF2 = Scope("officer", staff_code="OF2")
TEAM = Scope("team", branch="城关支行", team="城关一组")

Receipt = tuple[str, str, str, str]
Payment = tuple[str, str, str]


def _load(
    engine: Engine,
    folder: Path,
    payments: Sequence[Payment],
    receipts: Sequence[Receipt] = (),
) -> list[int]:
    assert do_import(engine, write_folder(folder, receipts_portfolio(payments))).ok
    return add_receipts(engine, receipts)


def _reconcile(engine: Engine, days: int = 3) -> ReconcileResult:
    with write_transaction(engine) as conn:
        return reconcile(conn, days, NOW)


def _matches(engine: Engine) -> list[tuple[str, str, str | None, str | None]]:
    """Per receipt, oldest first: (received_on, amount, matched paid_on, matched posted)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                """SELECT f.received_on, f.amount_cents, p.paid_on,
                          p.principal_paid_cents + COALESCE(p.interest_paid_cents, 0)
                   FROM field_receipts f LEFT JOIN repayments p ON p.id = f.repayment_id
                   ORDER BY f.id"""
            )
        ).all()
    return [
        (
            str(r[0])[:10],
            f"{Decimal(r[1]) / 100:.2f}",
            None if r[2] is None else str(r[2])[:10],
            None if r[3] is None else f"{Decimal(r[3]) / 100:.2f}",
        )
        for r in rows
    ]


def _one(engine: Engine, tmp_path: Path, payments: Sequence[Payment], receipt: Receipt):
    _load(engine, tmp_path / "in", payments, [receipt])
    _reconcile(engine)
    (match,) = _matches(engine)
    return match[2:]


def test_a_receipt_matches_a_repayment_posted_the_same_day_principal_and_interest(
    engine: Engine, tmp_path: Path
) -> None:
    found = _one(
        engine, tmp_path, [("2025-06-05", "280.00", "20.00")], ("OF1", "L1", "2025-06-05", "300.00")
    )
    assert found == ("2025-06-05", "300.00")


def test_a_repayment_posted_three_days_after_the_receipt_matches(
    engine: Engine, tmp_path: Path
) -> None:
    found = _one(
        engine, tmp_path, [("2025-06-05", "100.00", "")], ("OF1", "L1", "2025-06-02", "100.00")
    )
    assert found == ("2025-06-05", "100.00")


def test_a_repayment_posted_four_days_after_the_receipt_does_not_match(
    engine: Engine, tmp_path: Path
) -> None:
    found = _one(
        engine, tmp_path, [("2025-06-05", "100.00", "")], ("OF1", "L1", "2025-06-01", "100.00")
    )
    assert found == (None, None)
    # With reconcile_days = 4 it does.
    _reconcile(engine, days=4)
    assert _matches(engine)[0][2:] == ("2025-06-05", "100.00")


def test_an_amount_off_by_one_cent_is_matched_as_differing(engine: Engine, tmp_path: Path) -> None:
    found = _one(
        engine, tmp_path, [("2025-06-03", "99.99", "")], ("OF1", "L1", "2025-06-02", "100.00")
    )
    assert found == ("2025-06-03", "99.99")
    with engine.connect() as conn:
        (row,) = list_receipts(conn, OF1, dt.date(2025, 6, 24), 3).open
    assert (row.status, row.amount, row.posted, row.difference) == (
        "differs",
        Decimal("100.00"),
        Decimal("99.99"),
        Decimal("-0.01"),
    )


def test_a_repayment_posted_before_the_receipt_never_matches(
    engine: Engine, tmp_path: Path
) -> None:
    found = _one(
        engine, tmp_path, [("2025-06-01", "200.00", "")], ("OF1", "L1", "2025-06-02", "200.00")
    )
    assert found == (None, None)


def test_two_receipts_of_a_day_take_the_repayments_of_their_own_amounts(
    engine: Engine, tmp_path: Path
) -> None:
    # The 300.00 receipt's nearest repayment is the 200.00 of 06-03; exact amounts go first,
    # so it takes the 300.00 of 06-05 and leaves the 200.00 to the 200.00 receipt.
    _load(
        engine,
        tmp_path / "in",
        [("2025-06-03", "200.00", ""), ("2025-06-05", "280.00", "20.00")],
        [("OF1", "L1", "2025-06-02", "300.00"), ("OF1", "L1", "2025-06-02", "200.00")],
    )
    assert _reconcile(engine) == ReconcileResult(matched=2)
    assert _matches(engine) == [
        ("2025-06-02", "300.00", "2025-06-05", "300.00"),
        ("2025-06-02", "200.00", "2025-06-03", "200.00"),
    ]


def test_two_equal_receipts_of_a_day_take_two_equal_repayments_one_each(
    engine: Engine, tmp_path: Path
) -> None:
    _load(
        engine,
        tmp_path / "in",
        [("2025-06-02", "50.00", ""), ("2025-06-02", "50.00", "")],
        [("OF1", "L1", "2025-06-02", "50.00"), ("OF1", "L1", "2025-06-02", "50.00")],
    )
    assert _reconcile(engine) == ReconcileResult(matched=2)
    with engine.connect() as conn:
        ids = conn.execute(text("SELECT repayment_id FROM field_receipts ORDER BY id")).all()
    assert None not in {r[0] for r in ids} and len({r[0] for r in ids}) == 2


def test_the_worked_example_of_the_documentation(engine: Engine, tmp_path: Path) -> None:
    _load(engine, tmp_path / "in", JUNE_PAYMENTS, RECEIPTS)
    assert _reconcile(engine) == ReconcileResult(matched=2, differs=1)
    assert _matches(engine) == [
        ("2025-06-02", "300.00", "2025-06-05", "300.00"),
        ("2025-06-02", "200.00", "2025-06-03", "200.00"),
        ("2025-06-10", "150.00", "2025-06-13", "150.01"),
        ("2025-06-20", "80.00", None, None),
        ("2025-06-10", "100.00", None, None),
    ]


def test_a_second_run_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    _load(engine, tmp_path / "in", JUNE_PAYMENTS, RECEIPTS)
    _reconcile(engine)
    with engine.connect() as conn:
        before = conn.execute(text("SELECT * FROM field_receipts ORDER BY id")).all()
        version = read_data_version(conn)
    assert _reconcile(engine) == ReconcileResult()
    # The import runs it too: a re-import of the same files writes nothing either.
    folder = write_folder(tmp_path / "again", receipts_portfolio(JUNE_PAYMENTS))
    assert do_import(engine, folder).reconciled == ReconcileResult()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT * FROM field_receipts ORDER BY id")).all() == before
        assert read_data_version(conn) == version


def test_the_import_matches_receipts_and_rematches_after_replacing_repayments(
    engine: Engine, tmp_path: Path
) -> None:
    # Receipts recorded before the bank's export holds their payments.
    _load(engine, tmp_path / "first", [], [("OF1", "L1", "2025-06-02", "200.00")])
    assert _matches(engine) == [("2025-06-02", "200.00", None, None)]
    posted = write_folder(tmp_path / "posted", receipts_portfolio([("2025-06-03", "200.00", "")]))
    result = do_import(engine, posted)
    assert result.reconciled == ReconcileResult(matched=1)
    assert _matches(engine) == [("2025-06-02", "200.00", "2025-06-03", "200.00")]
    # The bank corrects the day's payment: the stored row is replaced (its match cleared by
    # the foreign key), and the reconciliation in the same import matches the new row.
    fixed = write_folder(tmp_path / "fixed", receipts_portfolio([("2025-06-03", "199.99", "")]))
    result = do_import(engine, fixed)
    assert counts(result)["repayments"][2] == 1  # replaced
    assert result.reconciled == ReconcileResult(differs=1)
    assert _matches(engine) == [("2025-06-02", "200.00", "2025-06-03", "199.99")]
    # And corrected back: matched exactly again.
    result = do_import(engine, posted)
    assert result.reconciled == ReconcileResult(matched=1)
    assert _matches(engine) == [("2025-06-02", "200.00", "2025-06-03", "200.00")]


def test_a_repayment_corrected_in_place_turns_its_match_into_a_difference(
    engine: Engine, tmp_path: Path
) -> None:
    # L2's repayment R2 (1,200.00 on 03-12) has a receipt number: a corrected export updates
    # it in place (same row id), so the match stays and the amounts are compared again.
    _load(engine, tmp_path / "in", [], [("OF1", "L2", "2025-03-10", "1200.00")])
    assert _reconcile(engine) == ReconcileResult(matched=1)
    tables = receipts_portfolio([])
    (r2,) = [r for r in tables["repayments"] if r["receipt_no"] == "R2"]
    r2["principal_paid"] = "1190.00"
    result = do_import(engine, write_folder(tmp_path / "fixed", tables))
    assert counts(result)["repayments"][1] == 1  # changed
    # Still the best candidate: the stored match is kept (nothing written), now differing.
    assert result.reconciled == ReconcileResult()
    assert _matches(engine) == [("2025-03-10", "1200.00", "2025-03-12", "1190.00")]
    with engine.connect() as conn:
        (row,) = list_receipts(conn, OF1, dt.date(2025, 3, 20), 3).open
    assert (row.status, row.difference, row.overdue) == ("differs", Decimal("-10.00"), True)


FigureRow = tuple[object, object, list[str]]


def _figure(engine: Engine, scope: Scope, as_of: str) -> dict[str, FigureRow]:
    period = parse_period("2025Q2", as_of=dt.date.fromisoformat(as_of))
    with engine.connect() as conn:
        cards = compute_officer_scorecards(conn, scope, period, MetricParams())
    result = {}
    for card in cards:
        figures = card.components.figures()
        result[card.staff_code] = (
            figures["field_receipts_unreconciled"],
            figures["field_receipts_unreconciled_amount"],
            card.cases.get("field_receipts_unreconciled", []),
        )
    return result


@pytest.mark.parametrize(
    ("as_of", "of1", "of2"),
    [
        # Cut = as_of - 3. On 06-13 (cut 06-10) nothing received before the 10th is open.
        ("2025-06-13", (0, Decimal("0.00"), []), (0, Decimal("0.00"), [])),
        # 06-14 (cut 06-11): the 150.00 of 06-10 (differs) and OF2's 100.00 (not posted).
        ("2025-06-14", (1, Decimal("150.00"), ["L1"]), (1, Decimal("100.00"), ["L3"])),
        # 06-23 (cut 06-20): the 80.00 of 06-20 may still be posted that day.
        ("2025-06-23", (1, Decimal("150.00"), ["L1"]), (1, Decimal("100.00"), ["L3"])),
        ("2025-06-24", (2, Decimal("230.00"), ["L1"]), (1, Decimal("100.00"), ["L3"])),
    ],
)
def test_the_figure_counts_receipts_older_than_reconcile_days_not_matched_exactly(
    engine: Engine, tmp_path: Path, as_of: str, of1: FigureRow, of2: FigureRow
) -> None:
    _load(engine, tmp_path / "in", JUNE_PAYMENTS, RECEIPTS)
    _reconcile(engine)
    assert _figure(engine, TEAM, as_of) == {"OF1": of1, "OF2": of2}
    # An officer's own figure is theirs alone.
    assert _figure(engine, OF2, as_of) == {"OF2": of2}


def test_the_screen_lists_an_officers_own_receipts_and_a_leaders_teams(
    engine: Engine, tmp_path: Path
) -> None:
    _load(engine, tmp_path / "in", JUNE_PAYMENTS, RECEIPTS)
    _reconcile(engine)
    today = dt.date(2025, 6, 24)
    with engine.connect() as conn:
        mine = list_receipts(conn, OF1, today, 3)
        theirs = list_receipts(conn, OF2, today, 3)
        team = list_receipts(conn, TEAM, today, 3)
        other_team = list_receipts(conn, Scope("team", branch="城关支行", team="无"), today, 3)
    assert [
        (r.loan_code, r.borrower_name, str(r.received_on), r.age_days, str(r.amount), r.status)
        for r in mine.open
    ] == [
        ("L1", "赵一", "2025-06-10", 14, "150.00", "differs"),
        ("L1", "赵一", "2025-06-20", 4, "80.00", "not_posted"),
    ]
    assert [(r.overdue, r.posted, r.posted_on) for r in mine.open] == [
        (True, Decimal("150.01"), dt.date(2025, 6, 13)),
        (True, None, None),
    ]
    assert mine.open_amount == Decimal("230.00")
    # Newest first; both received 06-02, the later recorded first.
    assert [(str(r.amount), str(r.posted_on)) for r in mine.matched] == [
        ("200.00", "2025-06-03"),
        ("300.00", "2025-06-05"),
    ]
    assert [(r.officer_code, r.loan_code, r.borrower_code) for r in theirs.open] == [
        ("OF2", "L3", "B3")
    ]
    assert theirs.matched == []
    assert [(r.officer_name, r.loan_code, str(r.amount)) for r in team.open] == [
        ("张伟", "L1", "150.00"),
        ("刘洋", "L3", "100.00"),
        ("张伟", "L1", "80.00"),
    ]
    assert other_team.open == other_team.matched == []


def test_the_review_shows_them_in_its_time_and_accounts_section(
    engine: Engine, tmp_path: Path
) -> None:
    from core.paths import CONFIG_DIR
    from core.reviews.evidence import build_evidence
    from core.reviews.template import load_review_template
    from core.rules import load_default_rules

    _load(engine, tmp_path / "in", JUNE_PAYMENTS, RECEIPTS)
    _reconcile(engine)
    rules = load_default_rules()
    template = load_review_template(CONFIG_DIR / "review_template.yaml", rules)
    (time,) = [s for s in template.sections if s.key == "time"]
    assert "field_receipts_unreconciled" in time.figures
    assert "field_receipts_unreconciled_amount" in time.figures
    assert "field_receipts_reconciled" in time.rules
    period = parse_period("2025Q2", as_of=dt.date(2025, 6, 24))
    with engine.connect() as conn:
        evidence = build_evidence(conn, "OF1", "2025Q2", period, rules)
    assert evidence is not None
    assert evidence.figures["field_receipts_unreconciled"] == "2"
    assert evidence.figures["field_receipts_unreconciled_amount"] == "230.00"
    finding = evidence.findings["field_receipts_reconciled"]
    assert (finding.status, finding.value) == ("breached", "2")
    assert finding.message_zh == "2笔现场收款未入账或入账金额不符（目标0笔）。"
