"""The 1:1 coaching log and action items: exact stored values, who may read and write what,
private notes that never reach an officer or the audit log, edit conflicts, carry-over."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from core.auth.scope import Scope
from core.auth.users import add_user
from core.db.audit import load_audit
from core.db.engine import write_transaction
from core.localtime import utc
from core.reviews.actions import (
    ActionRow,
    add_action,
    load_actions,
    load_closed_actions,
    overdue_actions,
    set_action_status,
)
from core.reviews.coaching import (
    SavedSession,
    SessionForm,
    load_sessions,
    save_session,
    suggest_agenda,
)
from core.reviews.conflicts import EditConflict, NotPermitted
from core.reviews.models import ActionItem, CoachingSession
from core.rules import Finding
from core.validation import ValidationFailed
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import

TL1 = Scope("team", branch="城关支行", team="城关一组")
TL2 = Scope("team", branch="城关支行", team="城关二组")
OF1 = Scope("officer", staff_code="OF1")
OF2 = Scope("officer", staff_code="OF2")
NOW = dt.datetime(2025, 6, 30, 9, 30, tzinfo=dt.UTC)
SECRET = "私下：他最近家里有事 PRIVATE-7731"
FORM = SessionForm(
    held_on=dt.date(2025, 6, 28),
    agenda="  PAR30 is 100%\nFollow up: visit B2  ",
    shared_notes="Agreed: weekly visits to 钱二",
    private_notes=SECRET,
    field_notes="Went to 李家庄 together",
)


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    """The base portfolio plus a second team (城关二组: leader TL2, officer OF3)."""
    tables = base_portfolio()
    for code, name, role in (("TL2", "陈静", "team_leader"), ("OF3", "周杰", "officer")):
        tables["staff"].append(
            {
                "staff_code": code,
                "name": name,
                "role": role,
                "branch": "城关支行",
                "team": "城关二组",
                "hired_on": "",
            }
        )
    assert do_import(engine, write_folder(tmp_path / "base", tables)).ok
    return engine


def _count(engine: Engine, table: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_leader_creates_and_edits_a_one_to_one(loaded: Engine) -> None:
    saved = save_session(loaded, "tl1", TL1, "OF1", None, FORM, None, NOW)
    assert saved.revision == 1
    with loaded.connect() as conn:
        [row] = load_sessions(conn, TL1, "OF1", include_private=True)
    assert (row.id, row.officer_code, row.leader_username, row.held_on, row.revision) == (
        saved.id,
        "OF1",
        "tl1",
        dt.date(2025, 6, 28),
        1,
    )
    # Surrounding blanks go; the text in between stays as typed.
    assert row.agenda == "PAR30 is 100%\nFollow up: visit B2"
    assert row.shared_notes == "Agreed: weekly visits to 钱二"
    assert row.private_notes == SECRET
    assert row.field_notes == "Went to 李家庄 together"
    assert row.updated_at == NOW

    later = NOW + dt.timedelta(hours=2)
    edit = dataclasses.replace(FORM, held_on=dt.date(2025, 6, 27), shared_notes="Weekly visits")
    assert save_session(loaded, "tl1", TL1, "OF1", saved.id, edit, 1, later) == SavedSession(
        saved.id, 2
    )
    with loaded.connect() as conn:
        [row] = load_sessions(conn, TL1, "OF1", include_private=True)
    assert (row.held_on, row.shared_notes, row.private_notes, row.revision, row.updated_at) == (
        dt.date(2025, 6, 27),
        "Weekly visits",
        SECRET,
        2,
        later,
    )
    assert _count(loaded, CoachingSession) == 1


def test_sessions_come_newest_first(loaded: Engine) -> None:
    for day in (3, 28, 14):
        form = dataclasses.replace(FORM, held_on=dt.date(2025, 6, day))
        save_session(loaded, "tl1", TL1, "OF1", None, form, None, NOW)
    with loaded.connect() as conn:
        rows = load_sessions(conn, OF1, "OF1", include_private=False)
    assert [r.held_on.day for r in rows] == [28, 14, 3]


def test_an_officer_never_reads_private_notes(loaded: Engine) -> None:
    save_session(loaded, "tl1", TL1, "OF1", None, FORM, None, NOW)
    save_session(loaded, "tl1", TL1, "OF2", None, FORM, None, NOW)
    with loaded.connect() as conn:
        # Even asking for them: the officer's scope never gets the private text.
        mine = load_sessions(conn, OF1, "OF1", include_private=True)
        other = load_sessions(conn, OF1, "OF2", include_private=True)
        admin = load_sessions(conn, Scope.everyone(), "OF1", include_private=True)
        branch = load_sessions(conn, Scope("branch", branch="城关支行"), "OF1", True)
    assert [(r.shared_notes, r.field_notes) for r in mine] == [
        ("Agreed: weekly visits to 钱二", "Went to 李家庄 together")
    ]
    assert mine[0].private_notes is None
    assert "PRIVATE-7731" not in repr(mine)
    assert other == []  # another officer's 1:1s, not even without private notes
    assert [r.private_notes for r in admin + branch] == [None, None]


def test_another_team_cannot_read_or_write(loaded: Engine) -> None:
    saved = save_session(loaded, "tl1", TL1, "OF1", None, FORM, None, NOW)
    with loaded.connect() as conn:
        assert load_sessions(conn, TL2, "OF1", include_private=True) == []
        assert load_sessions(conn, TL1, "OF3", include_private=True) == []
    refusals = [
        (TL2, "OF1", None, None),  # another team's officer
        (TL2, "OF1", saved.id, 1),
        (OF1, "OF1", None, None),  # an officer writes no 1:1, not even their own
        (Scope.everyone(), "OF1", None, None),  # nor an admin: 1:1s are the leader's
        (TL1, "OF2", saved.id, 1),  # OF1's 1:1 under OF2's name
        (TL1, "TL1", None, None),  # not an officer
        (TL1, "NOPE", None, None),
    ]
    for scope, code, session_id, revision in refusals:
        with pytest.raises(NotPermitted):
            save_session(loaded, "x", scope, code, session_id, FORM, revision, NOW)
    with loaded.connect() as conn:
        [row] = load_sessions(conn, TL1, "OF1", include_private=True)
    assert row.revision == 1
    # TL2 keeps the log of their own officer.
    save_session(loaded, "tl2", TL2, "OF3", None, FORM, None, NOW)
    assert _count(loaded, CoachingSession) == 2


def test_the_second_of_two_edits_is_told_and_nothing_is_lost(loaded: Engine) -> None:
    saved = save_session(loaded, "tl1", TL1, "OF1", None, FORM, None, NOW)
    first = dataclasses.replace(FORM, shared_notes="First tab's notes", private_notes="P1")
    second = dataclasses.replace(FORM, shared_notes="Second tab's notes")
    save_session(loaded, "tl1-phone", TL1, "OF1", saved.id, first, 1, NOW)
    with pytest.raises(EditConflict) as caught:
        save_session(loaded, "tl1", TL1, "OF1", saved.id, second, 1, NOW)
    conflict = caught.value
    assert (conflict.field, conflict.revision, conflict.changed_by) == ("coaching", 2, "tl1-phone")
    assert conflict.current["shared_notes"] == "First tab's notes"
    assert conflict.current["private_notes"] == "P1"
    assert conflict.current["held_on"] == dt.date(2025, 6, 28)
    with loaded.connect() as conn:
        [row] = load_sessions(conn, TL1, "OF1", include_private=True)
    assert (row.shared_notes, row.revision) == ("First tab's notes", 2)
    # Having seen theirs, a save naming the revision now stored goes through.
    save_session(loaded, "tl1", TL1, "OF1", saved.id, second, conflict.revision, NOW)
    with loaded.connect() as conn:
        [row] = load_sessions(conn, TL1, "OF1", include_private=True)
    assert (row.shared_notes, row.revision) == ("Second tab's notes", 3)


def test_every_problem_of_a_form_is_listed_and_nothing_written(loaded: Engine) -> None:
    bad = SessionForm(held_on=None, agenda="a" * 10_001, field_notes="f" * 10_001)
    with pytest.raises(ValidationFailed) as caught:
        save_session(loaded, "tl1", TL1, "OF1", None, bad, None, NOW)
    assert [(e.field, e.code, e.values) for e in caught.value.errors] == [
        ("held_on", "required", {}),
        ("agenda", "too_long", {"max": "10,000", "length": "10,001"}),
        ("field_notes", "too_long", {"max": "10,000", "length": "10,001"}),
    ]
    far = SessionForm(held_on=dt.date(2026, 7, 2))  # 2025-06-30 + 366 days = 2026-07-01
    with pytest.raises(ValidationFailed) as caught:
        save_session(loaded, "tl1", TL1, "OF1", None, far, None, NOW)
    assert [(e.field, e.code, e.values) for e in caught.value.errors] == [
        ("held_on", "too_far", {"date": "2026-07-01"})
    ]
    save_session(loaded, "tl1", TL1, "OF1", None, FORM, None, NOW)
    with pytest.raises(ValidationFailed) as caught:
        save_session(loaded, "tl1", TL1, "OF1", None, FORM, None, NOW)
    assert [(e.field, e.code) for e in caught.value.errors] == [("held_on", "duplicate")]
    assert _count(loaded, CoachingSession) == 1


def test_the_audit_log_never_holds_private_notes(loaded: Engine) -> None:
    saved = save_session(loaded, "tl1", TL1, "OF1", None, FORM, None, NOW)
    same_private = dataclasses.replace(FORM, shared_notes="v2")
    save_session(loaded, "tl1", TL1, "OF1", saved.id, same_private, 1, NOW)
    new_private = dataclasses.replace(FORM, private_notes="另一条私下记录 PRIVATE-8842")
    save_session(loaded, "tl1", TL1, "OF1", saved.id, new_private, 2, NOW)
    with loaded.connect() as conn:
        entries = list(reversed(load_audit(conn)))
    coaching = [e for e in entries if e.entity == "coaching"]
    assert [(e.action, e.actor, e.entity_key) for e in coaching] == [
        ("coaching.add", "tl1", "OF1/2025-06-28"),
        ("coaching.edit", "tl1", "OF1/2025-06-28"),
        ("coaching.edit", "tl1", "OF1/2025-06-28"),
    ]
    assert [e.after["private_notes_changed"] for e in coaching if e.after] == [True, False, True]
    assert coaching[1].before == {
        "officer": "OF1",
        "held_on": "2025-06-28",
        "agenda": "PAR30 is 100%\nFollow up: visit B2",
        "shared_notes": "Agreed: weekly visits to 钱二",
        "field_notes": "Went to 李家庄 together",
        "private_notes_changed": False,
    }
    assert coaching[1].after is not None and coaching[1].after["shared_notes"] == "v2"
    text = json.dumps([dataclasses.asdict(e) for e in entries], ensure_ascii=False, default=str)
    assert "PRIVATE-7731" not in text and "PRIVATE-8842" not in text


def _items(engine: Engine, scope: Scope, today: dt.date, **kw: object) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        rows = load_actions(conn, scope, today=today, **kw)  # type: ignore[arg-type]
    return [(r.officer_code, r.text, r.owner, r.due_on, r.status, r.overdue) for r in rows]


def test_action_items_are_added_closed_and_fall_overdue(loaded: Engine) -> None:
    june1 = dt.date(2025, 6, 1)
    visit = add_action(
        loaded,
        "tl1",
        TL1,
        "OF1",
        " Visit 钱二 weekly ",
        "officer",
        dt.date(2025, 6, 10),
        None,
        june1,
    )
    train = add_action(
        loaded,
        "tl1",
        TL1,
        "OF1",
        "Arrange a refresher",
        "leader",
        dt.date(2025, 7, 15),
        None,
        june1,
    )
    add_action(
        loaded, "tl1", TL1, "OF2", "Log hours daily", "officer", dt.date(2025, 6, 5), None, june1
    )
    june20 = dt.date(2025, 6, 20)
    assert _items(loaded, TL1, june20, officer_code="OF1") == [
        ("OF1", "Visit 钱二 weekly", "officer", dt.date(2025, 6, 10), "open", True),
        ("OF1", "Arrange a refresher", "leader", dt.date(2025, 7, 15), "open", False),
    ]
    # Due on the day itself is not overdue yet.
    assert _items(loaded, OF1, dt.date(2025, 6, 10))[0][-1] is False
    with loaded.connect() as conn:
        team = overdue_actions(conn, TL1, june20)
        officer = overdue_actions(conn, OF1, june20)
        other_team = overdue_actions(conn, TL2, june20)
    assert [(r.officer_code, r.officer_name, r.text) for r in team] == [
        ("OF1", "张伟", "Visit 钱二 weekly"),
        ("OF2", "刘洋", "Log hours daily"),
    ]
    assert [r.id for r in officer] == [visit]
    assert other_team == []

    # The officer closes their own item; the leader's item and drops stay the leader's.
    assert set_action_status(loaded, "of1", OF1, visit, "done", 1) == 2
    for scope, item, status in (
        (OF1, train, "done"),  # the leader's item
        (OF2, visit, "done"),  # another officer's
        (TL2, train, "dropped"),  # another team
        (OF1, train, "open"),  # nor reopens it
    ):
        with pytest.raises(NotPermitted):
            set_action_status(loaded, "x", scope, item, status, 2)
    with pytest.raises(EditConflict) as caught:
        set_action_status(loaded, "tl1", TL1, visit, "dropped", 1)
    assert (caught.value.current["status"], caught.value.revision) == ("done", 2)
    assert caught.value.changed_by == "of1"
    set_action_status(loaded, "tl1", TL1, train, "dropped", 1)
    assert _items(loaded, TL1, june20, officer_code="OF1") == []
    assert _items(loaded, TL1, june20, officer_code="OF1", statuses=("done", "dropped")) == [
        ("OF1", "Visit 钱二 weekly", "officer", dt.date(2025, 6, 10), "done", False),
        ("OF1", "Arrange a refresher", "leader", dt.date(2025, 7, 15), "dropped", False),
    ]
    with loaded.connect() as conn:
        closed = conn.execute(select(ActionItem.id, ActionItem.closed_at)).all()
        actions = [(e.action, e.actor, e.entity_key) for e in load_audit(conn)]
    assert sorted(i for i, at in closed if at is not None) == sorted([visit, train])
    assert ("action.status", "of1", f"OF1/{visit}") in actions
    assert ("action.add", "tl1", f"OF1/{train}") in actions


def _closed(engine: Engine, scope: Scope, officer: str = "OF1") -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        rows = load_closed_actions(conn, scope, officer, today=NOW.date())
    return [(r.text, r.status, r.closed_by, r.closer_name, r.closed_at) for r in rows]


def _stored_closure(engine: Engine, item: int) -> tuple[object, ...]:
    with engine.connect() as conn:
        row = conn.execute(
            select(ActionItem.status, ActionItem.closed_by, ActionItem.closed_at).where(
                ActionItem.id == item
            )
        ).one()
    closed_at = None if row.closed_at is None else utc(row.closed_at)
    return (row.status, row.closed_by, closed_at)


def test_a_closed_item_keeps_who_closed_it_and_when_until_reopened(loaded: Engine) -> None:
    with write_transaction(loaded) as conn:
        add_user(conn, "of1", "张伟", "officer", "OF1", "long-enough-9", actor="cli", now=NOW)
        add_user(conn, "tl1", "王组长", "team_leader", "TL1", "long-enough-9", actor="cli", now=NOW)
    june1 = dt.date(2025, 6, 1)
    visit = add_action(
        loaded, "tl1", TL1, "OF1", "Visit B2", "officer", dt.date(2025, 6, 10), None, june1
    )
    train = add_action(
        loaded, "tl1", TL1, "OF1", "Book training", "leader", dt.date(2025, 7, 1), None, june1
    )
    later = NOW + dt.timedelta(hours=2)
    assert set_action_status(loaded, "of1", OF1, visit, "done", 1, now=NOW) == 2
    assert set_action_status(loaded, "tl1", TL1, train, "dropped", 1, now=later) == 2
    assert _stored_closure(loaded, visit) == ("done", "of1", NOW)
    assert _stored_closure(loaded, train) == ("dropped", "tl1", later)
    # The done list: newest closed first, the closer by display name; the officer sees it too.
    expected = [
        ("Book training", "dropped", "tl1", "王组长", later),
        ("Visit B2", "done", "of1", "张伟", NOW),
    ]
    assert _closed(loaded, TL1) == expected
    assert _closed(loaded, OF1) == expected
    assert _closed(loaded, OF2) == [] and _closed(loaded, TL2) == []  # outside their scope

    # Who may reopen: the officer their own item, never the leader's; nobody outside.
    for scope, item in ((OF1, train), (OF2, visit), (TL2, visit), (TL2, train)):
        with pytest.raises(NotPermitted):
            set_action_status(loaded, "x", scope, item, "open", 2)
    with pytest.raises(EditConflict):
        set_action_status(loaded, "of1", OF1, visit, "open", 1)  # a stale revision
    step = [later + dt.timedelta(minutes=m) for m in range(1, 5)]
    assert set_action_status(loaded, "of1", OF1, visit, "open", 2, now=step[0]) == 3
    assert _stored_closure(loaded, visit) == ("open", None, None)
    # The leader reopens their own item, and any item of their team.
    assert set_action_status(loaded, "tl1", TL1, train, "open", 2, now=step[1]) == 3
    assert set_action_status(loaded, "of1", OF1, visit, "done", 3, now=step[2]) == 4
    assert _stored_closure(loaded, visit) == ("done", "of1", step[2])
    assert set_action_status(loaded, "tl1", TL1, visit, "open", 4, now=step[3]) == 5
    assert _stored_closure(loaded, train) == ("open", None, None)
    assert _stored_closure(loaded, visit) == ("open", None, None)
    assert _closed(loaded, TL1) == []
    with loaded.connect() as conn:
        audited = [
            (e.action, e.actor, e.entity_key, e.before, e.after)
            for e in reversed(load_audit(conn))
            if e.action == "action.status"
        ]
    assert audited[2:] == [
        ("action.status", "of1", f"OF1/{visit}", {"status": "done"}, {"status": "open"}),
        ("action.status", "tl1", f"OF1/{train}", {"status": "dropped"}, {"status": "open"}),
        ("action.status", "of1", f"OF1/{visit}", {"status": "open"}, {"status": "done"}),
        ("action.status", "tl1", f"OF1/{visit}", {"status": "done"}, {"status": "open"}),
    ]


def test_a_closer_without_an_account_shows_by_username(loaded: Engine) -> None:
    item = add_action(
        loaded, "tl1", TL1, "OF1", "Call", "officer", dt.date(2025, 6, 30), None, NOW.date()
    )
    set_action_status(loaded, "tl1", TL1, item, "done", 1, now=NOW)
    assert _closed(loaded, TL1) == [("Call", "done", "tl1", None, NOW)]


def test_action_item_problems_and_refusals(loaded: Engine) -> None:
    today = dt.date(2025, 6, 20)
    with pytest.raises(ValidationFailed) as caught:
        add_action(loaded, "tl1", TL1, "OF1", "  ", "boss", dt.date(2025, 6, 19), 999, today)
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("text", "required"),
        ("owner", "unknown"),
        ("due_on", "past"),
        ("coaching_id", "unknown"),
    ]
    with pytest.raises(ValidationFailed) as caught:
        add_action(loaded, "tl1", TL1, "OF1", "x" * 10_001, "leader", None, None, today)
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("text", "too_long"),
        ("due_on", "required"),
    ]
    for scope, code in ((TL2, "OF1"), (OF1, "OF1"), (TL1, "OF3")):
        with pytest.raises(NotPermitted):
            add_action(loaded, "x", scope, code, "Do it", "officer", today, None, today)
    # A 1:1 of another officer cannot hold this officer's item.
    other = save_session(loaded, "tl1", TL1, "OF2", None, FORM, None, NOW)
    with pytest.raises(ValidationFailed) as caught:
        add_action(loaded, "tl1", TL1, "OF1", "Do it", "officer", today, other.id, today)
    assert [(e.field, e.code) for e in caught.value.errors] == [("coaching_id", "unknown")]
    assert _count(loaded, ActionItem) == 0


def test_open_items_carry_over_to_the_next_one_to_one(loaded: Engine) -> None:
    may = save_session(
        loaded,
        "tl1",
        TL1,
        "OF1",
        None,
        dataclasses.replace(FORM, held_on=dt.date(2025, 5, 15)),
        None,
        NOW,
    )
    may15 = dt.date(2025, 5, 15)
    add_action(
        loaded, "tl1", TL1, "OF1", "Call B2's group", "officer", dt.date(2025, 5, 30), may.id, may15
    )
    closed = add_action(
        loaded, "tl1", TL1, "OF1", "Done soon", "officer", dt.date(2025, 6, 1), may.id, may15
    )
    set_action_status(loaded, "of1", OF1, closed, "done", 1)
    june = save_session(loaded, "tl1", TL1, "OF1", None, FORM, None, NOW)
    add_action(
        loaded,
        "tl1",
        TL1,
        "OF1",
        "Check 李家庄 group",
        "leader",
        dt.date(2025, 7, 31),
        june.id,
        NOW.date(),
    )
    with loaded.connect() as conn:
        open_items = load_actions(conn, TL1, "OF1", today=NOW.date())
    # The May item is still open: it shows for the next 1:1 beside June's own.
    assert [(i.text, i.coaching_id, i.overdue) for i in open_items] == [
        ("Call B2's group", may.id, True),
        ("Check 李家庄 group", june.id, False),
    ]
    assert suggest_agenda([], open_items, "en") == [
        "Follow up: Call B2's group (due 2025-05-30, overdue)",
        "Follow up: Check 李家庄 group (due 2025-07-31)",
    ]


def _finding(rule: str, status: str) -> Finding:
    return Finding(
        rule_id=rule,
        subject_kind="officer",
        subject="OF1",
        status=status,
        value=Decimal("0.5"),
        target=Decimal("0.9"),
        severity="high",
        cases=(),
        message_en=f"{rule} is {status}",
        message_zh=f"{rule}：{status}（中文）",
    )


def _item(text: str, due: dt.date, overdue: bool) -> ActionRow:
    return ActionRow(1, "OF1", "张伟", None, text, "officer", due, "open", "tl1", 1, overdue)


def test_suggested_agenda_lines() -> None:
    findings = [
        _finding("recovery", "warning"),
        _finding("coverage", "met"),
        _finding("par30", "breached"),
        _finding("training", "no data"),
        _finding("followups", "breached"),
    ]
    items = [
        _item("Visit 钱二\nevery week", dt.date(2025, 6, 10), True),
        _item("Log hours", dt.date(2025, 7, 1), False),
    ]
    assert suggest_agenda(findings, items, "en") == [
        "par30 is breached",
        "followups is breached",
        "recovery is warning",
        "Follow up: Visit 钱二 every week (due 2025-06-10, overdue)",
        "Follow up: Log hours (due 2025-07-01)",
    ]
    assert suggest_agenda(findings, items, "zh") == [
        "par30：breached（中文）",
        "followups：breached（中文）",
        "recovery：warning（中文）",
        "跟进：Visit 钱二 every week（2025-06-10 到期，已逾期）",
        "跟进：Log hours（2025-07-01 到期）",
    ]
    assert suggest_agenda([], [], "en") == []
