"""Coaching screen: a team leader writes and edits 1:1s and action items; an officer reads
theirs without the private notes and marks their own items done; overdue items remind
both on the home page; edit conflicts keep the leader's text; both languages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.auth.users import add_user
from core.db.engine import make_engine, write_transaction
from core.reviews.actions import add_action, load_actions, set_action_status
from core.reviews.coaching import SessionForm, load_sessions, save_session
from tests.app.conftest import open_page, restored, start_app, texts

TODAY = dt.date(2025, 6, 30)
TEAM = Scope("team", branch="城关支行", team="城关一组")
OF1 = Scope("officer", staff_code="OF1")
NOW = dt.datetime(2025, 6, 28, 8, 0, tzinfo=dt.UTC)
SECRET = "PRIVATE-NOTE-42 家里有困难"

PAGE = "pages/coaching.py"


@pytest.fixture(autouse=True)
def june_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: TODAY)


@pytest.fixture
def db(loaded_db: str) -> Iterator[Engine]:
    """The app's database, to seed and check records through core."""
    engine = make_engine(database_url=loaded_db)
    yield engine
    engine.dispose()


def open_home(language: str = "en"):
    return start_app(language).switch_page("pages/home.py").run()


def everything(at) -> str:
    """Every value and label of every element of the run, as one text."""
    parts: list[str] = []

    def walk(node) -> None:
        for attribute in ("value", "label", "body", "help", "placeholder"):
            try:
                parts.append(str(getattr(node, attribute)))
            except Exception:  # not every element has every attribute
                continue
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def seed_session(db: Engine, **texts: str) -> int:
    form = SessionForm(
        held_on=dt.date(2025, 6, 28),
        agenda=texts.get("agenda", "Talk about PAR30"),
        shared_notes=texts.get("shared", "Shared words 共享"),
        private_notes=texts.get("private", SECRET),
        field_notes=texts.get("field", "Visited 李家庄 together"),
    )
    return save_session(db, "team_leader", TEAM, "OF1", None, form, None, NOW).id


def test_a_leader_writes_a_one_to_one_and_it_shows_in_the_history(
    loaded_db: str, db: Engine, log_in_as
) -> None:
    log_in_as("team_leader")
    at = open_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "Coaching and action items"
    assert at.selectbox(key="coaching_officer__en").value == "OF1"
    # The agenda starts as the officer's missed goals of 2025Q2, breaches first.
    agenda = (at.text_area(key="coaching_agenda_new_OF1_0").value or "").splitlines()
    # OF1's 2025Q2 figures are hand-checked in tests/db/test_metrics.py.
    assert agenda[:3] == [
        "Recovery rate is 22.2% (goal 100.0%).",
        "PAR30 is 100.0% (goal: at most 2.0%).",
        "On-time repayment rate is 0.0% (goal 95.0%).",
    ]
    assert len(agenda) == 14
    assert at.date_input(key="coaching_held_on_new_OF1_0").value == TODAY
    at.text_area(key="coaching_shared_notes_new_OF1_0").set_value("Visit 钱二 every week")
    at.text_area(key="coaching_private_notes_new_OF1_0").set_value(SECRET)
    at.text_area(key="coaching_field_notes_new_OF1_0").set_value("Went to 李家庄")
    at.button(key="coaching_new_save_OF1").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["The 1:1 of 30 Jun 2025 is saved."]
    assert [e.label for e in at.expander if "with" in e.label] == [
        "30 Jun 2025 · with team\\_leader"
    ]
    assert "Visit 钱二 every week" in [x.value for x in at.text]
    # A fresh, empty form of the next generation.
    assert at.text_area(key="coaching_shared_notes_new_OF1_1").value == ""
    with db.connect() as conn:
        [row] = load_sessions(conn, TEAM, "OF1", include_private=True)
    assert (row.held_on, row.leader_username, row.shared_notes, row.private_notes) == (
        TODAY,
        "team_leader",
        "Visit 钱二 every week",
        SECRET,
    )
    assert row.field_notes == "Went to 李家庄"
    assert row.agenda.splitlines() == agenda


def test_an_error_shows_next_to_the_field_and_the_text_is_kept(
    loaded_db: str, db: Engine, log_in_as
) -> None:
    seed_session(db)
    log_in_as("team_leader")
    at = open_page(PAGE)
    at.date_input(key="coaching_held_on_new_OF1_0").set_value(dt.date(2025, 6, 28))
    at.text_area(key="coaching_shared_notes_new_OF1_0").set_value("我写的内容")
    at.button(key="coaching_new_save_OF1").click().run()
    assert not at.exception
    assert ":red[There is already a 1:1 with this officer on 2025-06-28.]" in [
        m.value for m in at.markdown
    ]
    assert at.text_area(key="coaching_shared_notes_new_OF1_0").value == "我写的内容"
    with db.connect() as conn:
        assert len(load_sessions(conn, TEAM, "OF1", include_private=False)) == 1


def test_the_officer_never_sees_the_private_notes(loaded_db: str, db: Engine, log_in_as) -> None:
    seed_session(db)
    log_in_as("officer")
    at = open_page(PAGE)
    assert not at.exception
    shown = everything(at)
    assert "Shared words 共享" in shown and "Visited 李家庄 together" in shown
    assert "PRIVATE-NOTE-42" not in shown
    assert "Private notes" not in shown
    # Read-only: no form, no edit switch.
    assert not at.text_area and not at.toggle
    # The leader does see them.
    log_in_as("team_leader")
    assert "PRIVATE-NOTE-42" in everything(open_page(PAGE))


def test_the_officer_marks_their_item_done(loaded_db: str, db: Engine, log_in_as) -> None:
    mine = add_action(
        db,
        "team_leader",
        TEAM,
        "OF1",
        "Call 钱二's group",
        "officer",
        dt.date(2025, 7, 10),
        None,
        TODAY,
    )
    leaders = add_action(
        db,
        "team_leader",
        TEAM,
        "OF1",
        "Book the refresher",
        "leader",
        dt.date(2025, 7, 20),
        None,
        TODAY,
    )
    log_in_as("officer")
    at = open_page(PAGE)
    assert [x.value for x in at.text][:2] == ["Call 钱二's group", "Book the refresher"]
    # Only their own item has a button; the leader's is the leader's to close.
    assert [b.key for b in at.button] == [f"coaching_done_{mine}"]
    at.button(key=f"coaching_done_{mine}").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["The action item is marked done."]
    with db.connect() as conn:
        rows = load_actions(conn, OF1, "OF1", ("open", "done"), today=TODAY)
    assert [(r.id, r.status) for r in rows] == [(mine, "done"), (leaders, "open")]
    # It left the open items for the done list, under the open ones.
    assert [x.value for x in at.text][:2] == ["Book the refresher", "Call 钱二's group"]
    assert "No open action items." not in texts(at)


def accounts(db: Engine) -> None:
    """The logins of the test viewers, with display names other than their usernames."""
    with write_transaction(db) as conn:
        add_user(conn, "officer", "Zhang Wei", "officer", "OF1", "long-enough-9", actor="cli")
        add_user(
            conn, "team_leader", "Wang Fang", "team_leader", "TL1", "long-enough-9", actor="cli"
        )


def done_list(at) -> list[tuple[str, str, list[str]]]:
    """The done list's items: (text, closed-by line, buttons), in the page's order."""
    found = []
    for block in at.main.children.values():
        if not hasattr(block, "button"):
            continue  # an element, not a container
        texts_ = [c.value for c in block.children.values() if c.type == "text"]
        lines = [c.value for c in block.children.values() if c.type == "markdown"]
        if texts_ and lines and lines[0].startswith(("Done by", "Dropped by")):
            keys = [b.key for b in block.button]
            found.append((texts_[0], lines[0], keys))
    return found


def test_a_done_item_is_listed_with_its_closer_and_its_owner_reopens_it(
    loaded_db: str, db: Engine, log_in_as
) -> None:
    accounts(db)
    mine = add_action(
        db, "team_leader", TEAM, "OF1", "Call 钱二's group", "officer", TODAY, None, TODAY
    )
    leaders = add_action(
        db, "team_leader", TEAM, "OF1", "Book the refresher", "leader", TODAY, None, TODAY
    )
    set_action_status(db, "team_leader", TEAM, leaders, "dropped", 1, now=NOW)
    log_in_as("officer")
    at = open_page(PAGE)
    at.button(key=f"coaching_done_{mine}").click().run()
    assert not at.exception
    # Newest closed first, the closer by display name; only their own item has "Reopen".
    assert done_list(at) == [
        (
            "Call 钱二's group",
            "Done by Zhang Wei on 30 Jun 2025  \nOwner: Officer · Due 30 Jun 2025",
            [f"coaching_open_{mine}"],
        ),
        (
            "Book the refresher",
            "Dropped by Wang Fang on 28 Jun 2025  \nOwner: Team leader · Due 30 Jun 2025",
            [],
        ),
    ]
    at.button(key=f"coaching_open_{mine}").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["The action item is open again."]
    assert [b.key for b in at.button] == [f"coaching_done_{mine}"]  # open again, and only
    assert [t for t, _, _ in done_list(at)] == ["Book the refresher"]
    with db.connect() as conn:
        [item] = load_actions(conn, OF1, "OF1", today=TODAY)
    assert (item.id, item.status, item.closed_by, item.closed_at) == (mine, "open", None, None)
    # The team leader reopens any item of their team, and reads the list in Chinese too.
    log_in_as("team_leader")
    at = open_page(PAGE, "zh")
    assert [c.value for c in at.caption if "最近关闭" in c.value] == [
        "已关闭的行动项，最近关闭的在前。重新打开后会回到未完成的行动项中。"
    ]
    assert "Wang Fang于2025年6月28日取消" in texts(at)
    at.button(key=f"coaching_open_{leaders}").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["该行动项已重新打开。"]
    assert "还没有已关闭的行动项。" in texts(at)


def test_a_leader_adds_an_item_and_drops_one(loaded_db: str, db: Engine, log_in_as) -> None:
    log_in_as("team_leader")
    at = open_page(PAGE)
    at.text_area(key="coaching_item_text_OF1_0").set_value("Visit B2 weekly")
    at.selectbox(key="coaching_item_owner_OF1_0__en").set_value("officer")
    at.date_input(key="coaching_item_due_OF1_0").set_value(dt.date(2025, 7, 14))
    at.button(key="coaching_item_save_OF1").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["The action item is added."]
    with db.connect() as conn:
        [item] = load_actions(conn, TEAM, "OF1", today=TODAY)
    assert (item.text, item.owner, item.due_on, item.created_by) == (
        "Visit B2 weekly",
        "officer",
        dt.date(2025, 7, 14),
        "team_leader",
    )
    # The open item joins the suggested agenda of the next 1:1.
    agenda = at.text_area(key="coaching_agenda_new_OF1_0").value or ""
    assert agenda.splitlines()[-1] == "Follow up: Visit B2 weekly (due 2025-07-14)"
    at.button(key=f"coaching_dropped_{item.id}").click().run()
    assert [s.value for s in at.success] == ["The action item is dropped."]
    assert "No open action items." in texts(at)


def test_an_edit_conflict_keeps_the_leaders_text(loaded_db: str, db: Engine, log_in_as) -> None:
    session = seed_session(db)
    log_in_as("team_leader")
    at = open_page(PAGE)
    at.toggle(key=f"coaching_editing_{session}").set_value(True).run()
    assert at.text_area(key=f"coaching_shared_notes_edit_{session}").value == "Shared words 共享"
    at.text_area(key=f"coaching_shared_notes_edit_{session}").set_value("My new notes")
    # Meanwhile the leader's other tab saves first.
    theirs = SessionForm(dt.date(2025, 6, 28), "Talk", "Their notes", SECRET, "")
    save_session(db, "tl-phone", TEAM, "OF1", session, theirs, 1, NOW)
    save = f"coaching_edit_save_{session}"
    at.button(key=save).click().run()
    assert not at.exception
    [warning] = at.warning
    assert warning.value.startswith("Not saved: tl\\-phone changed this 1:1 after you opened it.")
    assert "Their notes" in [x.value for x in at.text]
    assert at.text_area(key=f"coaching_shared_notes_edit_{session}").value == "My new notes"
    with db.connect() as conn:
        [row] = load_sessions(conn, TEAM, "OF1", include_private=False)
    assert (row.shared_notes, row.revision) == ("Their notes", 2)
    # Having seen theirs, saving again replaces it.
    at.button(key=save).click().run()
    assert not at.exception and not at.warning
    with db.connect() as conn:
        [row] = load_sessions(conn, TEAM, "OF1", include_private=False)
    assert (row.shared_notes, row.revision) == ("My new notes", 3)


def test_an_overdue_item_shows_on_both_home_pages(loaded_db: str, db: Engine, log_in_as) -> None:
    june1 = dt.date(2025, 6, 1)
    add_action(
        db, "team_leader", TEAM, "OF1", "Late one", "officer", dt.date(2025, 6, 20), None, june1
    )
    add_action(
        db, "team_leader", TEAM, "OF1", "Not yet", "leader", dt.date(2025, 7, 20), None, june1
    )
    add_action(
        db, "team_leader", TEAM, "OF2", "Late too", "leader", dt.date(2025, 6, 29), None, june1
    )
    log_in_as("officer")
    at = open_home()
    assert not at.exception
    # The reminder comes first, right under the title (the quarter's findings follow).
    assert at.warning[0].value == "You have 1 overdue action item from coaching."
    [link] = at.get("page_link")
    assert (link.proto.page, link.proto.label) == ("coaching", "Open coaching and action items")
    log_in_as("team_leader")
    at = open_home()
    assert not at.exception
    # The leader's own item (OF2's "Late too") apart from the one waiting on OF1.
    assert [w.value for w in at.warning][0] == (
        "You have 1 overdue action item from coaching:\n\n- 刘洋 (OF2): 1"
    )
    assert [i.value for i in at.info] == [
        "1 overdue action item from coaching is waiting on your officers:\n\n- 张伟 (OF1): 1"
    ]
    assert at.get("page_link")[0].proto.page == "coaching"
    log_in_as("officer")
    assert open_home("zh").warning[0].value == "您有 1 个辅导行动项已逾期。"


def test_no_reminder_when_nothing_is_overdue(loaded_db: str, db: Engine, log_in_as) -> None:
    add_action(db, "team_leader", TEAM, "OF1", "On time", "officer", TODAY, None, TODAY)
    for role in ("officer", "team_leader"):
        log_in_as(role)
        at = open_home()
        assert "overdue action item" not in texts(at)


def test_speaks_chinese(loaded_db: str, db: Engine, log_in_as) -> None:
    seed_session(db)
    log_in_as("team_leader")
    at = open_page(PAGE, "zh")
    assert not at.exception
    assert at.title[0].value == "辅导与行动项"
    assert "仅组长本人可见，信贷员看不到。" in [c.value for c in at.caption]
    assert [e.label for e in at.expander if "组长" in e.label] == [
        "2025年6月28日 · 组长：team\\_leader"
    ]
    # The suggested agenda is in Chinese too.
    agenda = at.text_area(key="coaching_agenda_new_OF1_0").value or ""
    assert agenda and not any("A" <= ch <= "z" for ch in agenda.replace("PAR", ""))


def test_the_officer_reads_the_leader_by_name(loaded_db: str, db: Engine, log_in_as) -> None:
    seed_session(db)  # held by "team_leader", whose account is called 王刚
    with write_transaction(db) as conn:
        add_user(
            conn, "team_leader", "王刚", "team_leader", "TL1", "a long password 1", actor="cli"
        )
    log_in_as("officer")
    at = open_page(PAGE, "zh")
    assert [e.label for e in at.expander] == ["2025年6月28日 · 组长：王刚"]


def test_other_roles_cannot_open_it(loaded_db: str, log_in_as) -> None:
    for role in ("trainer", "admin"):
        log_in_as(role)
        with pytest.raises(ValueError):
            start_app("en").switch_page("pages/coaching.py")


# -- Nothing typed is lost: the 1:1 and item forms keep drafts (app/drafts.py) ------------


def leader_draft(db: Engine, key: str):
    from core.drafts import load_draft

    return load_draft(db, "team_leader", key)


def test_a_one_to_one_typed_and_left_comes_back_and_goes_when_saved(
    loaded_db: str, db: Engine, log_in_as
) -> None:
    log_in_as("team_leader")
    at = open_page(PAGE)
    agenda = at.text_area(key="coaching_agenda_new_OF1_0").value or ""
    at.date_input(key="coaching_held_on_new_OF1_0").set_value(dt.date(2025, 6, 27))
    at.text_area(key="coaching_shared_notes_new_OF1_0").set_value("Visit 钱二 every week")
    at.text_area(key="coaching_private_notes_new_OF1_0").set_value(SECRET)
    at.run()
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/coaching.py").run()
    assert at.date_input(key="coaching_held_on_new_OF1_0").value == dt.date(2025, 6, 27)
    assert at.text_area(key="coaching_shared_notes_new_OF1_0").value == "Visit 钱二 every week"
    assert at.text_area(key="coaching_private_notes_new_OF1_0").value == SECRET
    assert at.text_area(key="coaching_agenda_new_OF1_0").value == agenda
    assert len(restored(at)) == 1
    at = open_page(PAGE)  # a refresh
    assert at.text_area(key="coaching_private_notes_new_OF1_0").value == SECRET
    assert restored(at)
    # The draft is the leader's own: the officer's page has no trace of it.
    log_in_as("officer")
    assert SECRET not in everything(open_page(PAGE))
    log_in_as("team_leader")
    at.button(key="coaching_new_save_OF1").click().run()
    assert [s.value for s in at.success] == ["The 1:1 of 27 Jun 2025 is saved."]
    assert leader_draft(db, "coaching_new_OF1") is None
    assert at.text_area(key="coaching_shared_notes_new_OF1_1").value == ""
    assert at.date_input(key="coaching_held_on_new_OF1_1").value == TODAY
    assert not restored(at)
    assert not restored(open_page(PAGE))


def test_discarding_a_one_to_one_draft_empties_the_form(
    loaded_db: str, db: Engine, log_in_as
) -> None:
    log_in_as("team_leader")
    at = open_page(PAGE)
    agenda = at.text_area(key="coaching_agenda_new_OF1_0").value or ""
    at.text_area(key="coaching_agenda_new_OF1_0").set_value("Only PAR30")
    at.text_area(key="coaching_field_notes_new_OF1_0").set_value("Went to 李家庄")
    at.run()
    at = open_page(PAGE)
    assert at.text_area(key="coaching_agenda_new_OF1_0").value == "Only PAR30"
    at.button(key="draft_discard_coaching_new_OF1").click().run()
    assert not at.exception
    assert at.text_area(key="coaching_agenda_new_OF1_0").value == agenda  # the suggestion
    assert at.text_area(key="coaching_field_notes_new_OF1_0").value == ""
    assert not restored(at)
    assert leader_draft(db, "coaching_new_OF1") is None


def test_an_action_item_typed_and_left_opens_its_form_again(
    loaded_db: str, db: Engine, log_in_as
) -> None:
    log_in_as("team_leader")
    at = open_page(PAGE)
    add = next(e for e in at.expander if e.label == "Add an action item")
    assert add.proto.expanded is False
    at.text_area(key="coaching_item_text_OF1_0").set_value("Visit B2 weekly")
    at.selectbox(key="coaching_item_owner_OF1_0__en").set_value("leader")
    at.date_input(key="coaching_item_due_OF1_0").set_value(dt.date(2025, 7, 21))
    at.run()
    at = open_page(PAGE)
    add = next(e for e in at.expander if e.label == "Add an action item")
    assert add.proto.expanded is True  # where the draft is, open
    assert at.text_area(key="coaching_item_text_OF1_0").value == "Visit B2 weekly"
    assert at.selectbox(key="coaching_item_owner_OF1_0__en").value == "leader"
    assert at.date_input(key="coaching_item_due_OF1_0").value == dt.date(2025, 7, 21)
    assert restored(at)
    at.button(key="coaching_item_save_OF1").click().run()
    assert [s.value for s in at.success] == ["The action item is added."]
    with db.connect() as conn:
        [item] = load_actions(conn, TEAM, "OF1", today=TODAY)
    assert (item.text, item.owner, item.due_on) == (
        "Visit B2 weekly",
        "leader",
        dt.date(2025, 7, 21),
    )
    assert leader_draft(db, "coaching_item_OF1") is None
    assert at.text_area(key="coaching_item_text_OF1_1").value == ""


def test_an_edit_left_with_a_draft_meets_a_later_save_as_a_conflict(
    loaded_db: str, db: Engine, log_in_as
) -> None:
    session = seed_session(db)
    log_in_as("team_leader")
    at = open_page(PAGE)
    at.toggle(key=f"coaching_editing_{session}").set_value(True).run()
    at.text_area(key=f"coaching_shared_notes_edit_{session}").set_value("My new notes").run()
    # The leader leaves; meanwhile their other tab saves the same 1:1.
    theirs = SessionForm(dt.date(2025, 6, 28), "Talk", "Their notes", SECRET, "")
    save_session(db, "tl-phone", TEAM, "OF1", session, theirs, 1, NOW)
    at = open_page(PAGE)
    # The edit opens by itself with the typed text.
    assert at.toggle(key=f"coaching_editing_{session}").value is True
    assert at.text_area(key=f"coaching_shared_notes_edit_{session}").value == "My new notes"
    assert restored(at)
    at.button(key=f"coaching_edit_save_{session}").click().run()
    [warning] = at.warning
    assert warning.value.startswith("Not saved: tl\\-phone changed this 1:1 after you opened it.")
    assert at.text_area(key=f"coaching_shared_notes_edit_{session}").value == "My new notes"
    with db.connect() as conn:
        [row] = load_sessions(conn, TEAM, "OF1", include_private=False)
    assert (row.shared_notes, row.revision) == ("Their notes", 2)
    # Having seen theirs, saving again replaces it, and the draft goes.
    at.button(key=f"coaching_edit_save_{session}").click().run()
    assert not at.warning
    with db.connect() as conn:
        [row] = load_sessions(conn, TEAM, "OF1", include_private=False)
    assert (row.shared_notes, row.revision) == ("My new notes", 3)
    assert leader_draft(db, f"coaching_edit_{session}") is None
    assert not restored(at)
