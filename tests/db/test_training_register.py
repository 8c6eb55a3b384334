"""The training register on both backends: opening a batch, members and applicants, days
and attendance, who sees and keeps what, closing and reopening, and how its days count in
the training figures and survive an import.

The portfolio is tests/db/test_training_records.py's (all in 城关支行: TR1, TR2, OF1-OF3,
TL1 over OF1 and OF2, TL2 over OF3; B4 of OF1 trained 2025-01-07 and 01-08 with TR1 and has
no loan; B5 of OF3 trained 3 days and got L5 on 02-15, an exception) plus a second branch
河口支行 with trainer TR3, officer OF9 and borrower B9.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.auth.scope import Scope
from core.metrics.period import Period
from core.portfolio.kept_rows import kept_loan_day
from core.training.applicants import ApplicantForm
from core.training.batch_reach import Keeper, keeper_for
from core.training.batch_writes import (
    BatchForm,
    add_applicant,
    add_day,
    add_members,
    close_batch,
    open_batch,
    remove_day,
    reopen_batch,
    set_attendance,
)
from core.training.batches import count_batches, list_batches, load_batch, ready_for_first_loan
from core.training.exceptions import load_exceptions
from core.validation import ValidationFailed
from tests.builders import write_folder
from tests.db.helpers import do_import
from tests.db.test_training_records import training_portfolio

TODAY = dt.date(2025, 3, 7)
MARCH = [dt.date(2025, 3, d) for d in range(3, 8)]  # Mon 03-03 .. Fri 03-07
MIN = 5
Q1 = Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31), dt.date(2025, 3, 31))


def register_portfolio() -> dict[str, list[dict[str, str]]]:
    tables = training_portfolio()
    for code, name, role, team in (
        ("TR3", "孙丽", "trainer", ""),
        ("OF9", "钱进", "officer", "河口一组"),
    ):
        tables["staff"].append(
            {"staff_code": code, "name": name, "role": role, "branch": "河口支行"}
            | {"team": team, "hired_on": ""}
        )
    tables["borrowers"].append(
        {
            "borrower_code": "B9",
            "name": "郑九",
            "officer_code": "OF9",
            "village": "河口村",
            "group_code": "",
            "joined_on": "2025-01-02",
            "business_type": "",
            "phone": "",
            "id_number": "",
        }
    )
    return tables


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "in", register_portfolio())


@pytest.fixture
def loaded(engine: Engine, folder: Path) -> Engine:
    result = do_import(engine, folder)
    assert result.ok, result.problems
    return engine


def keeper(engine: Engine, scope: Scope, username: str = "someone") -> Keeper:
    with engine.connect() as conn:
        return keeper_for(conn, scope, username)


def tr(engine: Engine, code: str = "TR1") -> Keeper:
    return keeper(engine, Scope("trainer", staff_code=code), code.lower())


def officer(engine: Engine, code: str) -> Keeper:
    return keeper(engine, Scope("officer", staff_code=code), code.lower())


def open_march_batch(engine: Engine) -> int:
    """TR1's batch in 柳树村 from Monday 03-03, with B4 and a new applicant of OF1."""
    trainer = tr(engine)
    batch = open_batch(engine, trainer, BatchForm("柳树村", "G1，G2 G1", "TR1", MARCH[0]), TODAY)
    add_members(engine, trainer, batch, ["B4"])
    code = add_applicant(
        engine,
        trainer,
        batch,
        ApplicantForm("  张  三 ", "柳树村", "G1", "138 1234 5678", "OF1"),
        TODAY,
    )
    assert code == "AP000001"
    for day in MARCH[1:]:
        add_day(engine, trainer, batch, day, TODAY)
    return batch


def days_of(engine: Engine, code: str) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("""SELECT CAST(t.attended_on AS TEXT), t.source, s.staff_code
                    FROM training_days t JOIN borrowers b ON b.id = t.borrower_id
                    LEFT JOIN staff s ON s.id = t.trainer_id
                    WHERE b.borrower_code = :code ORDER BY t.attended_on"""),
            {"code": code},
        ).all()
    return [(str(d)[:10], src, trainer) for d, src, trainer in rows]


def test_a_trainer_opens_a_batch_ticks_five_days_and_members_become_ready(loaded: Engine) -> None:
    batch = open_march_batch(loaded)
    trainer = tr(loaded)
    # All present on each of the five days, then B4 unticked as absent on Friday.
    for day in MARCH:
        assert set_attendance(loaded, trainer, batch, {day: {"B4": True, "AP000001": True}}) == 2
    assert set_attendance(loaded, trainer, batch, {MARCH[4]: {"B4": False}}) == 1
    with loaded.connect() as conn:
        detail = load_batch(conn, trainer, batch, TODAY, MIN)
    assert detail is not None
    assert detail.summary.groups == ("G1", "G2")
    assert (detail.summary.trainer_code, detail.summary.branch) == ("TR1", "城关支行")
    assert detail.days == tuple(MARCH)
    by_code = {m.code: m for m in detail.members}
    # B4: two imported January days and four here; the applicant five, all here.
    assert (by_code["B4"].days, by_code["B4"].ready) == (6, True)
    assert (by_code["AP000001"].days, by_code["AP000001"].ready) == (5, True)
    assert by_code["AP000001"].applicant and not by_code["B4"].applicant
    assert by_code["AP000001"].name == "张 三"
    assert by_code["AP000001"].phone == "138****5678"  # masked for a trainer
    assert by_code["B4"].attended == frozenset(MARCH[:4])
    assert detail.may_keep and detail.may_reopen
    assert days_of(loaded, "AP000001") == [(d.isoformat(), "app", "TR1") for d in MARCH]
    # The officer who will lend sees the phone in full and both members as ready.
    with loaded.connect() as conn:
        ready = ready_for_first_loan(conn, officer(loaded, "OF1"), TODAY, MIN)
        own = load_batch(conn, officer(loaded, "OF1"), batch, TODAY, MIN)
    assert [(r.borrower_code, r.days, r.ready) for r in ready] == [
        ("AP000001", 5, True),
        ("B4", 6, True),
    ]
    assert own is not None and {m.phone for m in own.members} == {"", "13812345678"}
    assert not own.may_keep  # TR1's batch: the officer reads it


def test_the_batch_list_counts_members_days_and_the_ready(loaded: Engine) -> None:
    batch = open_march_batch(loaded)
    trainer = tr(loaded)
    set_attendance(loaded, trainer, batch, {d: {"AP000001": True} for d in MARCH})
    second = open_batch(loaded, trainer, BatchForm("桃园村", "", "TR2", MARCH[2]), TODAY)
    close_batch(loaded, trainer, second)
    with loaded.connect() as conn:
        listed = list_batches(conn, trainer, TODAY, MIN)
        assert (
            count_batches(conn, trainer) == 2 and count_batches(conn, trainer, open_only=True) == 1
        )
        assert list_batches(conn, trainer, TODAY, MIN, page=1, page_size=1)[0].id == second
    assert [(b.id, b.village, b.members, b.days, b.ready, b.closed) for b in listed] == [
        (batch, "柳树村", 2, 5, 1, False),
        (second, "桃园村", 0, 1, 0, True),
    ]
    assert listed[1].trainer_code == "TR2"


def test_each_viewer_sees_and_keeps_their_own(loaded: Engine) -> None:
    batch = open_march_batch(loaded)
    of3_batch = open_batch(
        loaded, officer(loaded, "OF3"), BatchForm("王家湾", "G7", "OF3", MARCH[0]), TODAY
    )
    add_members(loaded, officer(loaded, "OF3"), of3_batch, ["B5"])
    tl1 = keeper(loaded, Scope("team", branch="城关支行", team="城关一组"), "tl1")
    tl2 = keeper(loaded, Scope("team", branch="城关支行", team="城关二组"), "tl2")
    admin = keeper(loaded, Scope.everyone(), "admin")

    def seen(who: Keeper) -> list[int]:
        with loaded.connect() as conn:
            return sorted(b.id for b in list_batches(conn, who, TODAY, MIN))

    assert seen(tr(loaded)) == seen(tr(loaded, "TR2")) == seen(admin) == [batch, of3_batch]
    assert seen(tr(loaded, "TR3")) == seen(officer(loaded, "OF9")) == []
    assert seen(officer(loaded, "OF1")) == seen(tl1) == [batch]
    assert seen(officer(loaded, "OF3")) == seen(tl2) == [of3_batch]
    assert seen(officer(loaded, "OF2")) == []
    with loaded.connect() as conn:
        assert load_batch(conn, tr(loaded, "TR3"), batch, TODAY, MIN) is None
        team_view = load_batch(conn, tl1, batch, TODAY, MIN)
        of3_view = load_batch(conn, officer(loaded, "OF3"), of3_batch, TODAY, MIN)
    assert team_view is not None and not team_view.may_keep
    # OF3 teaches their own batch: theirs to keep and to reopen.
    assert of3_view is not None and of3_view.may_keep and of3_view.may_reopen
    # Writes outside the reach: the same refusal whether the batch exists or not.
    for who, target in ((tr(loaded, "TR3"), batch), (tr(loaded), 9999)):
        with pytest.raises(ValidationFailed) as refused:
            add_day(loaded, who, target, TODAY, TODAY)
        assert [e.code for e in refused.value.errors] == ["not_found"]
    for who in (tl1, officer(loaded, "OF1")):
        with pytest.raises(ValidationFailed) as refused:
            set_attendance(loaded, who, batch, {MARCH[0]: {"B4": True}})
        assert [e.code for e in refused.value.errors] == ["not_yours"]
    # An officer enrols only their own borrowers, a trainer only their branch's.
    with pytest.raises(ValidationFailed) as refused:
        add_members(loaded, officer(loaded, "OF3"), of3_batch, ["B6", "B1", "B9"])
    assert refused.value.errors[0].values == {"codes": "B1, B9"}
    with pytest.raises(ValidationFailed):
        add_members(loaded, tr(loaded), batch, ["B9"])
    # A trainer of another branch cannot be named; an officer is their own trainer.
    with pytest.raises(ValidationFailed) as refused:
        open_batch(loaded, tr(loaded), BatchForm("", "", "TR3", TODAY + dt.timedelta(1)), TODAY)
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("village", "required"),
        ("trainer", "not_a_trainer"),
        ("first_day", "future"),
    ]


def test_app_days_count_in_the_training_figures_and_an_import_keeps_them(
    loaded: Engine, folder: Path
) -> None:
    # B5 got L5 on 02-15 after 3 days: an exception. OF3 enters two February days from
    # the paper sheet of a batch held before the loan; L5 then had 5 days.
    of3 = officer(loaded, "OF3")
    batch = open_batch(loaded, of3, BatchForm("王家湾", "", "OF3", dt.date(2025, 2, 10)), TODAY)
    add_members(loaded, of3, batch, ["B5"])
    add_day(loaded, of3, batch, dt.date(2025, 2, 11), TODAY)
    with loaded.connect() as conn:
        before = [e.loan_code for e in load_exceptions(conn, Scope.everyone(), Q1, MIN)]
        kept_day = kept_loan_day(conn)
    assert "L5" in before and kept_day is not None
    paper = {dt.date(2025, 2, 10): {"B5": True}, dt.date(2025, 2, 11): {"B5": True}}
    assert set_attendance(loaded, of3, batch, paper) == 2
    with loaded.connect() as conn:
        after = [e.loan_code for e in load_exceptions(conn, Scope.everyone(), Q1, MIN)]
        days = conn.execute(text("SELECT training_days FROM loans WHERE loan_code = 'L5'")).scalar()
        # The portfolio's kept balances stay: training moves none of them.
        assert kept_loan_day(conn) == kept_day
    assert days == 5 and "L5" not in after and set(before) - set(after) == {"L5"}
    # The bank's export then brings 02-10 too (with TR2), and a day of its own, 02-12.
    tables = register_portfolio()
    tables["training"] += [
        {"borrower_code": "B5", "attended_on": "2025-02-10", "trainer_code": "TR2"},
        {"borrower_code": "B5", "attended_on": "2025-02-12", "trainer_code": "TR2"},
    ]
    assert do_import(loaded, write_folder(folder.parent / "again", tables)).ok
    assert days_of(loaded, "B5") == [
        ("2025-01-19", "import", "TR1"),
        ("2025-01-20", "import", "TR1"),
        ("2025-01-21", "import", "TR1"),
        ("2025-02-10", "app", "OF3"),  # one day, still the register's
        ("2025-02-11", "app", "OF3"),
        ("2025-02-12", "import", "TR2"),
    ]
    # An import without those rows removes none of the register's days.
    assert do_import(loaded, folder).ok
    assert [d for d, src, _ in days_of(loaded, "B5") if src == "app"] == [
        "2025-02-10",
        "2025-02-11",
    ]
    # Unticking removes the register's own day only; the imported 02-12 is no day here.
    assert set_attendance(loaded, of3, batch, {dt.date(2025, 2, 10): {"B5": False}}) == 1
    with pytest.raises(ValidationFailed):
        set_attendance(loaded, of3, batch, {dt.date(2025, 2, 12): {"B5": False}})


def test_an_imported_day_is_locked_in_the_batch(loaded: Engine) -> None:
    trainer = tr(loaded)
    batch = open_batch(loaded, trainer, BatchForm("柳树村", "", "TR1", dt.date(2025, 1, 7)), TODAY)
    add_members(loaded, trainer, batch, ["B4"])
    assert set_attendance(loaded, trainer, batch, {dt.date(2025, 1, 7): {"B4": True}}) == 0
    assert set_attendance(loaded, trainer, batch, {dt.date(2025, 1, 7): {"B4": False}}) == 0
    with loaded.connect() as conn:
        detail = load_batch(conn, trainer, batch, TODAY, MIN)
    assert detail is not None
    [b4] = detail.members
    assert b4.attended == b4.locked == frozenset({dt.date(2025, 1, 7)})
    assert days_of(loaded, "B4")[0] == ("2025-01-07", "import", "TR1")


def test_closing_and_reopening_with_a_reason(loaded: Engine) -> None:
    batch = open_march_batch(loaded)
    trainer = tr(loaded)
    close_batch(loaded, trainer, batch)
    for write in (
        lambda: set_attendance(loaded, trainer, batch, {MARCH[0]: {"B4": True}}),
        lambda: add_day(loaded, trainer, batch, TODAY, TODAY),
        lambda: add_members(loaded, trainer, batch, ["B1"]),
    ):
        with pytest.raises(ValidationFailed) as refused:
            write()
        assert [e.code for e in refused.value.errors] == ["closed"]
    with pytest.raises(ValidationFailed) as refused:
        reopen_batch(loaded, tr(loaded, "TR2"), batch, "more days")
    assert [e.code for e in refused.value.errors] == ["not_its_trainer"]
    with pytest.raises(ValidationFailed) as refused:
        reopen_batch(loaded, trainer, batch, "   ")
    assert [e.code for e in refused.value.errors] == ["required"]
    reopen_batch(loaded, trainer, batch, "  Two members  missed Friday ")
    assert set_attendance(loaded, trainer, batch, {MARCH[0]: {"B4": True}}) == 1
    with loaded.connect() as conn:
        entries = conn.execute(
            text("""SELECT action, actor, after FROM audit_log
                    WHERE entity = 'training_batch' ORDER BY id""")
        ).all()
    actions = [a for a, _, _ in entries]
    assert actions[:3] == [
        "training_batch.open",
        "training_batch.add_members",
        "training_batch.add_applicant",
    ]
    assert actions[-3:] == [
        "training_batch.close",
        "training_batch.reopen",
        "training_batch.attendance",
    ]
    reopened = [json.loads(after) for a, _, after in entries if a == "training_batch.reopen"]
    assert reopened == [{"closed": False, "reason": "Two members missed Friday"}]
    assert "138" not in " ".join(str(after) for _, _, after in entries)  # no phone


def test_days_and_applicants_are_checked(loaded: Engine) -> None:
    batch = open_march_batch(loaded)
    trainer = tr(loaded)
    with pytest.raises(ValidationFailed) as refused:
        add_day(loaded, trainer, batch, MARCH[1], TODAY)
    assert [e.code for e in refused.value.errors] == ["already_added"]
    with pytest.raises(ValidationFailed) as refused:
        add_day(loaded, trainer, batch, dt.date(2025, 3, 2), TODAY)
    assert [e.code for e in refused.value.errors] == ["too_early"]
    set_attendance(loaded, trainer, batch, {MARCH[1]: {"B4": True}})
    with pytest.raises(ValidationFailed) as refused:
        remove_day(loaded, trainer, batch, MARCH[1])
    assert [e.code for e in refused.value.errors] == ["has_attendance"]
    remove_day(loaded, trainer, batch, MARCH[2])
    with pytest.raises(ValidationFailed) as refused:
        set_attendance(loaded, trainer, batch, {MARCH[2]: {"B4": True}, MARCH[1]: {"B1": True}})
    assert [(e.code, e.values) for e in refused.value.errors] == [
        ("not_a_day", {"date": "2025-03-05"}),
        ("not_members", {"codes": "B1"}),
    ]
    with pytest.raises(ValidationFailed) as refused:
        add_applicant(
            loaded,
            trainer,
            batch,
            ApplicantForm("", "柳树村", phone="12ab", officer_code="OF9", code="B1"),
            TODAY,
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("name", "required"),
        ("phone", "bad_phone"),
        ("code", "code_taken"),
        ("officer", "not_in_branch"),
    ]
    # An officer's applicant is theirs whatever the form says; a given code is kept.
    of3 = officer(loaded, "OF3")
    own = open_batch(loaded, of3, BatchForm("王家湾", "", "OF3", TODAY), TODAY)
    code = add_applicant(
        loaded, of3, own, ApplicantForm("刘七", "王家湾", officer_code="OF1", code="C-77"), TODAY
    )
    assert code == "C-77"
    with loaded.connect() as conn:
        owner = conn.execute(
            text("""SELECT s.staff_code, b.source FROM borrowers b
                    JOIN staff s ON s.id = b.officer_id WHERE b.borrower_code = 'C-77'""")
        ).one()
    assert tuple(owner) == ("OF3", "app")
