"""Home pages remind: an officer of a review due soon, overdue or returned; a team leader
of submitted reviews waiting for them; each of their own overdue action items, and apart
from those, the overdue items waiting on someone else."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.auth.scope import Scope
from core.db.engine import make_engine
from core.metrics.period import parse_period
from core.paths import CONFIG_DIR
from core.reviews.actions import add_action, set_action_status
from core.reviews.evidence import build_evidence
from core.reviews.records import Goal
from core.reviews.template import load_review_template
from core.reviews.workflow import return_review, save_body, save_goals, submit
from core.rules import load_default_rules
from tests.app.conftest import start_app, texts

OF1 = Scope("officer", staff_code="OF1")
TEAM = Scope("team", branch="城关支行", team="城关一组")
NOW = dt.datetime(2025, 7, 2, tzinfo=dt.UTC)


def home(monkeypatch: pytest.MonkeyPatch, day: dt.date):
    monkeypatch.setattr("app.clock.today", lambda: day)
    # Officers open on their plan: the home page is opened by name.
    return start_app("en").switch_page("pages/home.py").run()


def submit_q2(url: str) -> None:
    engine = make_engine(database_url=url)
    rules = load_default_rules()
    template = load_review_template(CONFIG_DIR / "review_template.yaml", rules)
    for section in template.sections:
        save_body(engine, "of1", OF1, "2025Q2", section.key, "写好了", 0, template, NOW)
    save_goals(engine, "of1", OF1, "2025Q2", [Goal("par30", Decimal("0.05"), "")], 0, NOW)
    with engine.connect() as conn:
        evidence = build_evidence(conn, "OF1", "2025Q2", parse_period("2025Q2"), rules)
    assert evidence is not None
    submit(engine, "of1", OF1, "2025Q2", evidence, 1, template, NOW)
    engine.dispose()


def test_the_officer_is_reminded_as_the_due_date_nears(
    loaded_db: str,
    log_in_as,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log_in_as("officer")
    # 2025Q2's review is due 07-15; remind_days is 10.
    assert "Your review of 2025Q2" not in texts(home(monkeypatch, dt.date(2025, 6, 20)))
    assert "Your review of 2025Q2 is due on 15 Jul 2025 (13 days left)." not in texts(
        home(monkeypatch, dt.date(2025, 7, 2))
    )
    assert "Your review of 2025Q2 is due on 15 Jul 2025 (10 days left)." in texts(
        home(monkeypatch, dt.date(2025, 7, 5))
    )
    # The plan, the page officers open first, reminds them too.
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 7, 5))
    assert "Your review of 2025Q2 is due on 15 Jul 2025 (10 days left)." in texts(start_app("en"))
    submit_q2(loaded_db)
    assert "Your review of 2025Q2" not in texts(home(monkeypatch, dt.date(2025, 7, 5)))


def test_the_leader_sees_reviews_waiting_and_the_officer_a_return(
    loaded_db: str,
    log_in_as,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    submit_q2(loaded_db)
    log_in_as("team_leader")
    shown = texts(home(monkeypatch, dt.date(2025, 7, 5)))
    assert "1 review is waiting for your comments and sign-off:" in shown
    assert "张伟: 2025Q2" in shown
    engine = make_engine(database_url=loaded_db)
    return_review(engine, "tl1", TEAM, "OF1", "2025Q2", "请补充", 2, NOW)
    engine.dispose()
    log_in_as("officer")
    assert "was returned for revision" in texts(home(monkeypatch, dt.date(2025, 7, 5)))


def overdue_items(url: str) -> None:
    """Hand-built items, judged on 2025-07-02: OF1 owes two overdue items and waits on the
    leader for one (another is not due yet, a third is done); OF2 owes one and waits on
    the leader for one."""
    engine = make_engine(database_url=url)
    june1 = dt.date(2025, 6, 1)
    for officer, text, owner, due in (
        ("OF1", "Visit 钱二", "officer", dt.date(2025, 6, 20)),
        ("OF1", "Call B2's group", "officer", dt.date(2025, 7, 1)),
        ("OF1", "Book the refresher", "leader", dt.date(2025, 6, 25)),
        ("OF1", "Bring the forms", "leader", dt.date(2025, 7, 2)),  # due today: not overdue
        ("OF2", "Log hours daily", "officer", dt.date(2025, 6, 5)),
        ("OF2", "Ask the branch", "leader", dt.date(2025, 6, 30)),
    ):
        add_action(engine, "tl1", TEAM, officer, text, owner, due, None, june1)
    done = add_action(
        engine, "tl1", TEAM, "OF1", "Done late", "officer", dt.date(2025, 6, 2), None, june1
    )
    set_action_status(engine, "of1", OF1, done, "done", 1, now=NOW)
    engine.dispose()


def test_the_officer_counts_their_own_overdue_items_apart_from_the_leaders(
    loaded_db: str,
    log_in_as,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    overdue_items(loaded_db)
    log_in_as("officer")
    at = home(monkeypatch, dt.date(2025, 7, 2))
    assert not at.exception
    assert at.warning[0].value == "You have 2 overdue action items from coaching."
    assert [i.value for i in at.info] == [
        "1 overdue action item from coaching is waiting on your team leader."
    ]
    at = start_app("zh").switch_page("pages/home.py").run()
    assert at.warning[0].value == "您有 2 个辅导行动项已逾期。"
    assert [i.value for i in at.info] == ["有 1 个已逾期的辅导行动项等待组长完成。"]


def test_the_leader_counts_their_own_overdue_items_apart_from_each_officers(
    loaded_db: str,
    log_in_as,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    overdue_items(loaded_db)
    log_in_as("team_leader")
    at = home(monkeypatch, dt.date(2025, 7, 2))
    assert not at.exception
    assert at.warning[0].value == (
        "You have 2 overdue action items from coaching:\n\n- 张伟 (OF1): 1\n- 刘洋 (OF2): 1"
    )
    assert [i.value for i in at.info] == [
        "3 overdue action items from coaching are waiting on your officers:"
        "\n\n- 张伟 (OF1): 2\n- 刘洋 (OF2): 1"
    ]
    at = start_app("zh")
    assert (
        at.warning[0].value
        == "您有 2 个辅导行动项已逾期：\n\n- 张伟（OF1）：1 个\n- 刘洋（OF2）：1 个"
    )
    assert [i.value for i in at.info] == [
        "有 3 个已逾期的辅导行动项等待信贷员完成：\n\n- 张伟（OF1）：2 个\n- 刘洋（OF2）：1 个"
    ]
