"""The review workflow on both backends: drafts with revisions, goals, submission with a
frozen snapshot, comments and ratings, return, resubmission, sign-off, and who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from core.auth.scope import Scope
from core.db.models import AuditEntry
from core.metrics.period import parse_period
from core.paths import CONFIG_DIR
from core.reviews.conflicts import EditConflict, NotPermitted
from core.reviews.cycle import current_cycle, cycle_of, previous_label
from core.reviews.evidence import Evidence, build_evidence, goal_outcome
from core.reviews.records import Goal, list_review_statuses, load_review
from core.reviews.template import ReviewTemplate, load_review_template
from core.reviews.workflow import (
    return_review,
    save_body,
    save_comment,
    save_goals,
    sign_off,
    submit,
)
from core.rules import RuleSet, load_default_rules
from core.validation import ValidationFailed
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import

OF1 = Scope("officer", staff_code="OF1")
OF2 = Scope("officer", staff_code="OF2")
TEAM = Scope("team", branch="城关支行", team="城关一组")
OTHER_TEAM = Scope("team", branch="城关支行", team="城关二组")
NOW = dt.datetime(2025, 7, 5, 9, 0, tzinfo=dt.UTC)
Q2 = "2025Q2"
RULES: RuleSet = load_default_rules()
TEMPLATE: ReviewTemplate = load_review_template(CONFIG_DIR / "review_template.yaml", RULES)
WRITTEN = [s.key for s in TEMPLATE.sections if not s.plan]


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert do_import(engine, write_folder(tmp_path / "base", base_portfolio())).ok
    return engine


def evidence(engine: Engine) -> Evidence:
    with engine.connect() as conn:
        found = build_evidence(conn, "OF1", Q2, parse_period(Q2), RULES)
    assert found is not None
    return found


def write_everything(engine: Engine, skip: str = "") -> None:
    for key in [k for k in WRITTEN if k != skip]:
        save_body(engine, "of1", OF1, Q2, key, f"关于{key}的总结", 0, TEMPLATE, NOW)
    save_goals(
        engine, "of1", OF1, Q2, [Goal("recovery_rate", Decimal("0.95"), "每周回访逾期户")], 0, NOW
    )


def review(engine: Engine, scope: Scope = OF1):
    with engine.connect() as conn:
        return load_review(conn, scope, "OF1", Q2)


def test_a_draft_saves_with_revisions_and_refuses_a_stale_save(loaded: Engine) -> None:
    assert review(loaded).status == "not_started"
    assert save_body(loaded, "of1", OF1, Q2, "judging", "第一稿", 0, TEMPLATE, NOW) == 1
    assert save_body(loaded, "of1", OF1, Q2, "judging", "第二稿", 1, TEMPLATE, NOW) == 2
    # A second tab still at revision 1: refused, told what is stored now.
    with pytest.raises(EditConflict) as conflict:
        save_body(loaded, "of1", OF1, Q2, "judging", "另一个标签页", 1, TEMPLATE, NOW)
    assert (conflict.value.current, conflict.value.revision) == ({"body": "第二稿"}, 2)
    stored = review(loaded)
    assert (stored.status, stored.section("judging").body) == ("draft", "第二稿")
    # The leader sees that a draft exists, not its text; another officer sees nothing.
    assert review(loaded, TEAM).status == "draft"
    assert review(loaded, TEAM).section("judging").body == ""
    assert review(loaded, OF2) is None
    assert review(loaded, OTHER_TEAM) is None  # a leader reads their own team's only


def test_goals_replace_the_plan_and_empty_rows_are_dropped(loaded: Engine) -> None:
    goals = [
        Goal("par30", Decimal("0.05"), ""),
        Goal(None, None, "   "),
        Goal(None, None, "读完《小额信贷实务》"),
    ]
    assert save_goals(loaded, "of1", OF1, Q2, goals, 0, NOW) == 1
    assert review(loaded).goals == (
        Goal("par30", Decimal("0.05"), ""),
        Goal(None, None, "读完《小额信贷实务》"),
    )
    with pytest.raises(ValidationFailed) as failed:
        save_goals(
            loaded, "of1", OF1, Q2, [Goal("par30", None, ""), Goal("nope", Decimal(1), "")], 1, NOW
        )
    assert [(e.field, e.code) for e in failed.value.errors] == [
        ("goal0", "target_missing"),
        ("goal1", "unknown_figure"),
    ]
    with pytest.raises(EditConflict):
        save_goals(loaded, "of1", OF1, Q2, [], 0, NOW)


def test_submission_opens_submit_from_days_before_the_quarter_ends(loaded: Engine) -> None:
    write_everything(loaded)
    # 2025Q2 ends 30 June; the template opens submission 10 days before: 20 June.
    with pytest.raises(ValidationFailed) as early:
        submit(
            loaded, "of1", OF1, Q2, evidence(loaded), 1, TEMPLATE, NOW,
            today=dt.date(2025, 6, 19),
        )  # fmt: skip
    assert [(e.field, e.code, e.values) for e in early.value.errors] == [
        ("review", "too_early", {"date": "2025-06-20"})
    ]
    assert review(loaded).status == "draft"
    submit(loaded, "of1", OF1, Q2, evidence(loaded), 1, TEMPLATE, NOW, today=dt.date(2025, 6, 20))
    assert review(loaded).status == "submitted"


def test_submission_needs_every_section_and_freezes_the_evidence(
    loaded: Engine, tmp_path: Path
) -> None:
    save_body(loaded, "of1", OF1, Q2, "judging", "写了一节", 0, TEMPLATE, NOW)
    with pytest.raises(ValidationFailed) as failed:
        submit(loaded, "of1", OF1, Q2, evidence(loaded), 1, TEMPLATE, NOW)
    assert [(e.field, e.code) for e in failed.value.errors] == [
        *[(key, "empty") for key in WRITTEN if key != "judging"],
        ("plan", "no_goals"),
    ]
    write_everything(loaded, skip="judging")
    frozen = evidence(loaded)
    assert frozen.figures["recovery_rate"] == str(Decimal(100000) / Decimal(450025))
    submit(loaded, "of1", OF1, Q2, frozen, 1, TEMPLATE, NOW)
    assert review(loaded).status == "submitted"
    with pytest.raises(ValidationFailed) as locked:
        save_body(loaded, "of1", OF1, Q2, "judging", "改", 1, TEMPLATE, NOW)
    assert locked.value.errors[0].code == "locked"
    # A later import (L1's last 1,000.00 paid in June) changes the live figures, not the
    # submitted review's.
    tables = base_portfolio()
    tables["repayments"].append(
        {"loan_code": "L1", "paid_on": "2025-06-10", "principal_paid": "1000.00",
         "interest_paid": "", "receipt_no": "R9"}
    )  # fmt: skip
    assert do_import(loaded, write_folder(tmp_path / "later", tables)).ok
    assert evidence(loaded).figures["recovery_rate"] != frozen.figures["recovery_rate"]
    assert review(loaded).snapshot == frozen
    assert review(loaded, TEAM).snapshot == frozen


def test_the_leader_comments_returns_and_signs_off(loaded: Engine) -> None:
    write_everything(loaded)
    submit(loaded, "of1", OF1, Q2, evidence(loaded), 1, TEMPLATE, NOW)
    assert review(loaded, TEAM).section("judging").body == "关于judging的总结"
    # Another team's leader and the officer cannot coach this review.
    for scope in (OTHER_TEAM, OF1):
        with pytest.raises(NotPermitted):
            save_comment(loaded, "x", scope, "OF1", Q2, "judging", "好", "3", 0, TEMPLATE, NOW)
    assert (
        save_comment(loaded, "tl1", TEAM, "OF1", Q2, "judging", "分析到位", "3", 0, TEMPLATE, NOW)
        == 1
    )
    with pytest.raises(EditConflict) as conflict:
        save_comment(loaded, "tl2", TEAM, "OF1", Q2, "judging", "我的意见", "2", 0, TEMPLATE, NOW)
    assert conflict.value.current == {"comment": "分析到位", "rating": "3"}
    with pytest.raises(ValidationFailed) as bad:
        save_comment(loaded, "tl1", TEAM, "OF1", Q2, "time", "", "9", 0, TEMPLATE, NOW)
    assert bad.value.errors[0].code == "unknown_rating"
    with pytest.raises(ValidationFailed) as unrated:
        sign_off(loaded, "tl1", TEAM, "OF1", Q2, 2, TEMPLATE, NOW)
    assert [e.field for e in unrated.value.errors] == [
        s.key for s in TEMPLATE.sections if s.key != "judging"
    ]
    with pytest.raises(ValidationFailed):
        return_review(loaded, "tl1", TEAM, "OF1", Q2, "  ", 2, NOW)
    return_review(loaded, "tl1", TEAM, "OF1", Q2, "请补充逾期户的原因", 2, NOW)
    returned = review(loaded)
    assert (returned.status, returned.return_note) == ("returned", "请补充逾期户的原因")
    save_body(loaded, "of1", OF1, Q2, "judging", "补充：两户受猪瘟影响", 1, TEMPLATE, NOW)
    submit(loaded, "of1", OF1, Q2, evidence(loaded), 3, TEMPLATE, NOW)
    for key in [s.key for s in TEMPLATE.sections if s.key != "judging"]:
        save_comment(loaded, "tl1", TEAM, "OF1", Q2, key, "", "4", 0, TEMPLATE, NOW)
    sign_off(loaded, "tl1", TEAM, "OF1", Q2, 4, TEMPLATE, NOW)
    done = review(loaded)
    assert (done.status, done.signed_off_by, done.section("judging").rating) == (
        "signed_off",
        "tl1",
        "3",
    )
    # Signed off is locked for both.
    with pytest.raises(ValidationFailed):
        save_comment(loaded, "tl1", TEAM, "OF1", Q2, "judging", "再改", "5", 1, TEMPLATE, NOW)
    with pytest.raises(ValidationFailed):
        save_body(loaded, "of1", OF1, Q2, "judging", "再改", 2, TEMPLATE, NOW)
    with loaded.connect() as conn:
        actions = conn.execute(
            select(AuditEntry.action, func.count()).group_by(AuditEntry.action)
        ).all()
        statuses = list_review_statuses(conn, TEAM, Q2)
    assert dict(actions)["review.sign_off"] == 1 and dict(actions)["review.return"] == 1
    assert [(s.officer_code, s.status) for s in statuses] == [
        ("OF2", "not_started"),
        ("OF1", "signed_off"),
    ] or [(s.officer_code, s.status) for s in statuses] == [
        ("OF1", "signed_off"),
        ("OF2", "not_started"),
    ]


def test_the_review_to_write_and_its_due_date() -> None:
    assert current_cycle(dt.date(2026, 1, 10), 15).period == "2025Q4"
    assert current_cycle(dt.date(2026, 1, 15), 15).period == "2025Q4"
    assert current_cycle(dt.date(2026, 1, 16), 15).period == "2026Q1"
    assert cycle_of("2026Q4", 15).due_on == dt.date(2027, 1, 15)
    assert previous_label("2026Q1") == "2025Q4"


def test_goal_outcomes() -> None:
    assert goal_outcome("higher", Decimal("0.95"), Decimal("0.95")) == "met"
    assert goal_outcome("higher", Decimal("0.95"), Decimal("0.9499")) == "missed"
    assert goal_outcome("lower", Decimal("0.05"), Decimal("0.02")) == "met"
    assert goal_outcome("lower", Decimal("0.05"), None) == "no data"
