"""Visits written from the app (log, edit, delete with audit) and the visits screen's reads:
the return-visit board, the history and the form's borrowers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.auth.scope import Scope
from core.db.audit import load_audit
from core.db.engine import read_data_version
from core.validation import ValidationFailed
from core.visits.reads import load_my_borrowers, load_return_visit_board, load_visit_history
from core.visits.writes import VisitForm, delete_visit, log_visit, update_visit
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import, snapshot

OF1 = Scope("officer", staff_code="OF1")
OF2 = Scope("officer", staff_code="OF2")
TEAM = Scope("team", branch="城关支行", team="城关一组")
TODAY = dt.date(2025, 6, 30)

GOOD = VisitForm(
    borrower_code="B1",
    visited_on=dt.date(2025, 6, 28),
    purpose="return_visit",
    outcome="paid",
    notes="  还了一部分  ",
    news="玉米收成好",
    leaving=True,
    exit_reason="moved_away",
    next_visit_on=dt.date(2025, 7, 28),
)


def _borrower(code: str, officer: str, village: str, joined: str = "2024-06-01") -> dict[str, str]:
    return {
        "borrower_code": code,
        "name": f"借款人{code}",
        "officer_code": officer,
        "village": village,
        "group_code": "G2",
        "joined_on": joined,
        "business_type": "",
        "phone": "",
        "id_number": "",
    }


def _loan(
    code: str, borrower: str, officer: str, disbursed: str, written_off: str = ""
) -> dict[str, str]:
    return {
        "loan_code": code,
        "borrower_code": borrower,
        "officer_code": officer,
        "disbursed_on": disbursed,
        "principal": "1000.00",
        "annual_rate": "",
        "term_months": "",
        "cycle": "",
        "appraisal_grade": "",
        "product": "",
        "purpose": "",
        "written_off_on": written_off,
    }


def _installment(loan: str, due: str) -> dict[str, str]:
    return {"loan_code": loan, "seq": "1", "due_date": due, "principal_due": "1000.00"}


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    """The base portfolio plus B4-B7 of OF1 (village 王村) and an active loan of B3 (OF2)."""
    tables = base_portfolio()
    tables["borrowers"] += [
        _borrower("B4", "OF1", "王村"),
        _borrower("B5", "OF1", "王村"),
        _borrower("B6", "OF1", "王村"),
        _borrower("B7", "OF1", "王村"),
    ]
    tables["loans"] += [
        _loan("L3", "B3", "OF2", "2025-03-01"),
        _loan("L4", "B4", "OF1", "2025-05-01"),
        _loan("L5", "B5", "OF1", "2025-03-01"),
        # Written off 200 days before 06-30: too long ago for the board.
        _loan("L6", "B6", "OF1", "2024-10-01", written_off="2024-12-12"),
        _loan("L7", "B7", "OF1", "2025-02-01"),
    ]
    tables["installments"] += [
        _installment("L3", "2025-12-01"),
        _installment("L4", "2025-12-01"),
        _installment("L5", "2025-12-01"),
        _installment("L6", "2024-11-01"),
        _installment("L7", "2025-03-01"),
    ]
    # L7 is repaid in full on 04-05 (86 days before 06-30): closed, still on the board.
    tables["repayments"].append(
        {"loan_code": "L7", "paid_on": "2025-04-05", "principal_paid": "1000.00"}
    )
    result = do_import(engine, write_folder(tmp_path / "in", tables))
    assert result.ok, result.problems
    return engine


def _version(engine: Engine) -> int:
    with engine.connect() as conn:
        return read_data_version(conn)


def _refused(engine: Engine, form: VisitForm, officer: str = "OF1") -> list[tuple[str, str]]:
    """The (field, code) pairs a refused form gets; asserts nothing was written."""
    before, version = snapshot(engine), _version(engine)
    with engine.connect() as conn:
        audits = len(load_audit(conn))
    with pytest.raises(ValidationFailed) as failed:
        log_visit(engine, "of1", officer, form, TODAY)
    assert snapshot(engine) == before
    assert _version(engine) == version
    with engine.connect() as conn:
        assert len(load_audit(conn)) == audits
    return [(e.field, e.code) for e in failed.value.errors]


def test_a_valid_visit_is_stored_with_audit_and_a_new_data_version(loaded: Engine) -> None:
    version = _version(loaded)
    new_id = log_visit(loaded, "of1", "OF1", GOOD, TODAY)
    with loaded.connect() as conn:
        row = conn.execute(
            text(
                "SELECT s.staff_code, b.borrower_code, v.visited_on, v.purpose, v.outcome,"
                " v.notes, v.news, v.exit_reason, v.next_visit_on, v.source FROM visits v"
                " JOIN staff s ON s.id = v.officer_id JOIN borrowers b ON b.id = v.borrower_id"
                " WHERE v.id = :id"
            ),
            {"id": new_id},
        ).one()
        entries = load_audit(conn)
    assert tuple(str(v) for v in row) == (
        "OF1",
        "B1",
        "2025-06-28",
        "return_visit",
        "paid",
        "还了一部分",
        "玉米收成好",
        "moved_away",
        "2025-07-28",
        "app",
    )
    assert _version(loaded) == version + 1
    entry = entries[0]
    assert (entry.actor, entry.action, entry.entity, entry.entity_key) == (
        "of1",
        "visit.add",
        "visit",
        "B1/2025-06-28/return_visit",
    )
    assert entry.before is None
    assert entry.after == {
        "officer": "OF1",
        "borrower": "B1",
        "visited_on": "2025-06-28",
        "purpose": "return_visit",
        "outcome": "paid",
        "notes": "还了一部分",
        "news": "玉米收成好",
        "exit_reason": "moved_away",
        "next_visit_on": "2025-07-28",
    }


def test_a_visit_through_a_loan_of_the_officer_is_accepted(loaded: Engine) -> None:
    # B3 is OF2's borrower; a loan of OF1 makes B3 part of OF1's portfolio too.
    with loaded.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO loans (loan_code, borrower_id, officer_id, disbursed_on,"
                " principal_cents, training_days, is_first_loan) SELECT 'L9', b.id, s.id,"
                " '2025-06-01', 100000, 0, false FROM borrowers b, staff s"
                " WHERE b.borrower_code = 'B3' AND s.staff_code = 'OF1'"
            )
        )
    form = VisitForm("B3", dt.date(2025, 6, 2), "appraisal")
    assert log_visit(loaded, "of1", "OF1", form, TODAY) > 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"visited_on": dt.date(2025, 7, 1)}, [("visited_on", "future")]),
        ({"visited_on": None}, [("visited_on", "required")]),
        ({"visited_on": dt.date(2025, 1, 1)}, [("visited_on", "before_joined")]),
        ({"borrower_code": "B3"}, [("borrower", "not_in_portfolio")]),
        ({"borrower_code": "B99"}, [("borrower", "not_in_portfolio")]),
        ({"borrower_code": " "}, [("borrower", "required")]),
        ({"purpose": None}, [("purpose", "required")]),
        ({"purpose": "party"}, [("purpose", "unknown")]),
        ({"outcome": "great"}, [("outcome", "unknown")]),
        ({"exit_reason": None}, [("exit_reason", "required_when_leaving")]),
        ({"leaving": False}, [("exit_reason", "not_leaving")]),
        ({"exit_reason": "bored"}, [("exit_reason", "unknown")]),
        ({"next_visit_on": dt.date(2025, 6, 27)}, [("next_visit_on", "not_after_visit")]),
        ({"next_visit_on": dt.date(2025, 6, 28)}, [("next_visit_on", "not_after_visit")]),
        ({"next_visit_on": dt.date(2026, 6, 29)}, [("next_visit_on", "too_far")]),
        ({"notes": "记" * 2001}, [("notes", "too_long")]),
        ({"news": "x" * 2001}, [("news", "too_long")]),
    ],
)
def test_each_rule_refuses_with_its_code_and_writes_nothing(
    loaded: Engine, change: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    assert _refused(loaded, dataclasses.replace(GOOD, **change)) == expected  # type: ignore[arg-type]


def test_limits_are_inclusive(loaded: Engine) -> None:
    form = dataclasses.replace(
        GOOD, notes="记" * 2000, visited_on=TODAY, next_visit_on=TODAY + dt.timedelta(365)
    )
    assert log_visit(loaded, "of1", "OF1", form, TODAY) > 0


def test_a_second_visit_on_the_same_day_for_the_same_purpose_is_another_visit(
    loaded: Engine,
) -> None:
    # The base portfolio holds OF1's imported return visit to B1 on 2025-04-03; B1 was
    # not at home in the morning and paid in the afternoon: two more visits that day.
    morning = VisitForm("B1", dt.date(2025, 4, 3), "return_visit", outcome="not_home")
    first = log_visit(loaded, "of1", "OF1", morning, TODAY)
    second = log_visit(loaded, "of1", "OF1", dataclasses.replace(morning, outcome="paid"), TODAY)
    assert first != second
    with loaded.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT COALESCE(outcome, ''), source FROM visits WHERE visited_on = '2025-04-03'"
                " AND purpose = 'return_visit' ORDER BY id"
            )
        ).all()
    assert [tuple(r) for r in rows] == [("ok", "import"), ("not_home", "app"), ("paid", "app")]


def test_every_problem_is_listed_at_once(loaded: Engine) -> None:
    form = VisitForm(
        "B3",
        dt.date(2025, 7, 2),
        "party",
        leaving=False,
        exit_reason="moved_away",
        notes="x" * 2001,
    )
    assert _refused(loaded, form) == [
        ("borrower", "not_in_portfolio"),
        ("visited_on", "future"),
        ("purpose", "unknown"),
        ("exit_reason", "not_leaving"),
        ("notes", "too_long"),
    ]


def test_only_officers_log_visits(loaded: Engine) -> None:
    assert _refused(loaded, GOOD, officer="TL1") == [("officer", "not_an_officer")]


def test_an_officer_edits_and_deletes_their_own_visit(loaded: Engine) -> None:
    visit = log_visit(loaded, "of1", "OF1", GOOD, TODAY)
    version = _version(loaded)
    changed = dataclasses.replace(GOOD, outcome="promised", leaving=False, exit_reason=None)
    update_visit(loaded, "of1", "OF1", visit, changed, TODAY)
    assert _version(loaded) == version + 1
    with loaded.connect() as conn:
        stored = conn.execute(
            text("SELECT outcome, exit_reason FROM visits WHERE id = :id"), {"id": visit}
        ).one()
        edit = load_audit(conn, action="visit.edit")[0]
    assert tuple(stored) == ("promised", None)
    assert edit.entity_key == "B1/2025-06-28/return_visit"
    assert edit.before is not None and edit.after is not None
    assert (edit.before["outcome"], edit.before["exit_reason"]) == ("paid", "moved_away")
    assert (edit.after["outcome"], edit.after["exit_reason"]) == ("promised", None)

    delete_visit(loaded, "of1", "OF1", visit)
    assert _version(loaded) == version + 2
    with loaded.connect() as conn:
        left = conn.execute(text("SELECT COUNT(*) FROM visits WHERE id = :id"), {"id": visit})
        gone = load_audit(conn, action="visit.delete")[0]
    assert left.scalar_one() == 0
    assert gone.after is None and gone.before is not None
    assert (gone.before["borrower"], gone.before["outcome"]) == ("B1", "promised")


def test_an_edit_may_move_a_visit_onto_a_day_with_another_of_the_same_purpose(
    loaded: Engine,
) -> None:
    visit = log_visit(loaded, "of1", "OF1", GOOD, TODAY)
    update_visit(loaded, "of1", "OF1", visit, GOOD, TODAY)  # saved unchanged
    # Moved onto 04-03, where the imported return visit to B1 stays as it was.
    moved = dataclasses.replace(GOOD, visited_on=dt.date(2025, 4, 3), next_visit_on=None)
    update_visit(loaded, "of1", "OF1", visit, moved, TODAY)
    with loaded.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, outcome, source FROM visits WHERE visited_on = '2025-04-03'"
                " AND purpose = 'return_visit' ORDER BY id"
            )
        ).all()
    assert [(r.outcome, r.source) for r in rows] == [("ok", "import"), ("paid", "app")]
    assert rows[1].id == visit


def test_an_imported_visit_is_corrected_by_the_export_not_in_the_app(loaded: Engine) -> None:
    # The next export of that officer, borrower and day would put it back as it was, and
    # the news and next visit typed onto it would go with it: refused, nothing written.
    with loaded.connect() as conn:
        imported = conn.execute(
            text("SELECT id FROM visits WHERE visited_on = '2025-04-03'")
        ).scalar_one()
    before, version = snapshot(loaded), _version(loaded)
    corrected = VisitForm("B1", dt.date(2025, 4, 3), "return_visit", outcome="promised")
    for attempt in (
        lambda: update_visit(loaded, "of1", "OF1", imported, corrected, TODAY),
        lambda: delete_visit(loaded, "of1", "OF1", imported),
    ):
        with pytest.raises(ValidationFailed) as failed:
            attempt()
        assert [(e.field, e.code) for e in failed.value.errors] == [("visit", "imported")]
    assert snapshot(loaded) == before
    assert _version(loaded) == version


def test_another_officers_visit_cannot_be_edited_or_deleted(loaded: Engine) -> None:
    visit = log_visit(loaded, "of1", "OF1", GOOD, TODAY)
    before, version = snapshot(loaded), _version(loaded)
    b3 = VisitForm("B3", dt.date(2025, 6, 1), "collection")
    for attempt in (
        lambda: update_visit(loaded, "of2", "OF2", visit, b3, TODAY),
        lambda: delete_visit(loaded, "of2", "OF2", visit),
        lambda: delete_visit(loaded, "of2", "OF2", 99999),  # none: the same answer
    ):
        with pytest.raises(ValidationFailed) as failed:
            attempt()
        assert [(e.field, e.code) for e in failed.value.errors] == [("visit", "not_yours")]
    assert snapshot(loaded) == before
    assert _version(loaded) == version


def test_the_board_gives_each_borrower_a_status(loaded: Engine) -> None:
    # B5: visited 06-01 with a return planned for 07-15 (on track).
    on_track = VisitForm(
        "B5", dt.date(2025, 6, 1), "return_visit", next_visit_on=dt.date(2025, 7, 15)
    )
    log_visit(loaded, "of1", "OF1", on_track, TODAY)
    # A visit by OF2 to B4 does not count for OF1's loan (visit coverage is per officer).
    with loaded.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO visits (officer_id, borrower_id, visited_on, purpose)"
                " SELECT s.id, b.id, '2025-06-20', 'other' FROM staff s, borrowers b"
                " WHERE s.staff_code = 'OF2' AND b.borrower_code = 'B4'"
            )
        )
    with loaded.connect() as conn:
        board = load_return_visit_board(conn, OF1, TODAY, window_days=90, soon_days=14)
        wang = load_return_visit_board(conn, OF1, TODAY, 90, villages=("王村",))
        li = load_return_visit_board(conn, OF1, TODAY, 90, villages=("李家庄", "nowhere"))
        other = load_return_visit_board(conn, OF2, TODAY, 90)
    # Window: visits after 04-01 count; 04-01 + 14 days = 04-15 is the due-soon line.
    assert [
        (r.borrower_code, r.status, r.last_visit, r.active, r.closed_on, r.next_visit_on)
        for r in board
    ] == [
        ("B4", "never", None, True, None, None),
        ("B7", "never", None, False, dt.date(2025, 4, 5), None),
        ("B2", "overdue", dt.date(2025, 3, 20), True, None, None),
        ("B1", "due_soon", dt.date(2025, 4, 3), True, None, None),
        ("B5", "on_track", dt.date(2025, 6, 1), True, None, dt.date(2025, 7, 15)),
    ]  # B6 (written off 2024-12-12, 200 days ago) is not there
    assert board[3].due_on == dt.date(2025, 7, 2)
    assert {r.borrower_code for r in wang} == {"B4", "B5", "B7"}
    assert [r.borrower_code for r in li] == ["B2", "B1"]
    assert [(r.borrower_code, r.status, r.officer_code) for r in other] == [("B3", "never", "OF2")]


def test_the_board_boundaries(loaded: Engine) -> None:
    with loaded.connect() as conn:
        # As of 06-18 B1's 04-03 visit is 76 days old: out of the window in 14 days.
        soon = load_return_visit_board(conn, OF1, dt.date(2025, 6, 18), 90, soon_days=14)
        # As of 06-17 it leaves the window on 07-02, 15 days on: on track.
        calm = load_return_visit_board(conn, OF1, dt.date(2025, 6, 17), 90, soon_days=14)
        # As of 07-02 exactly 90 days: outside the window, overdue.
        late = load_return_visit_board(conn, OF1, dt.date(2025, 7, 2), 90)
        # L2 was written off on 09-30: as of 10-30 B2 is a closed borrower.
        autumn = load_return_visit_board(conn, OF1, dt.date(2025, 10, 30), 90)
    status = {r.borrower_code: r.status for r in soon}
    assert status["B1"] == "due_soon"
    assert {r.borrower_code: r.status for r in calm}["B1"] == "on_track"
    assert {r.borrower_code: r.status for r in late}["B1"] == "overdue"
    b2 = next(r for r in autumn if r.borrower_code == "B2")
    assert (b2.active, b2.closed_on, b2.status) == (False, dt.date(2025, 9, 30), "overdue")


def test_history_is_scoped_and_newest_first(loaded: Engine) -> None:
    log_visit(loaded, "of1", "OF1", GOOD, TODAY)
    year = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    with loaded.connect() as conn:
        mine = load_visit_history(conn, OF1, *year)
        april = load_visit_history(conn, OF1, dt.date(2025, 4, 1), dt.date(2025, 4, 30))
        only_b2 = load_visit_history(conn, OF1, *year, borrower_code="B2")
        theirs = load_visit_history(conn, OF2, *year)
        team = load_visit_history(conn, TEAM, *year)
    assert [(v.visited_on, v.borrower_code, v.purpose) for v in mine] == [
        (dt.date(2025, 6, 28), "B1", "return_visit"),
        (dt.date(2025, 4, 3), "B1", "return_visit"),
        (dt.date(2025, 3, 20), "B2", "collection"),
    ]
    first = mine[0]
    assert (first.borrower_name, first.village, first.officer_name) == ("赵一", "李家庄", "张伟")
    assert (first.exit_reason, first.next_visit_on) == ("moved_away", dt.date(2025, 7, 28))
    assert [v.visited_on for v in april] == [dt.date(2025, 4, 3)]
    assert [(v.outcome, v.notes) for v in only_b2] == [("unwilling", "说好下周还, 没还")]
    assert theirs == []
    assert len(team) == 3


def test_the_form_offers_the_officers_borrowers(loaded: Engine) -> None:
    with loaded.connect() as conn:
        mine = load_my_borrowers(conn, OF1)
        theirs = load_my_borrowers(conn, OF2)
        trainer = load_my_borrowers(conn, Scope("trainer", staff_code="TR1"))
    assert [(b.code, b.village) for b in mine] == [
        ("B1", "李家庄"),
        ("B2", "李家庄"),
        ("B4", "王村"),
        ("B5", "王村"),
        ("B6", "王村"),
        ("B7", "王村"),
    ]
    assert [b.code for b in theirs] == ["B3"]
    assert trainer == []
