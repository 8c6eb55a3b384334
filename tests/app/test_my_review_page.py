"""My quarterly review: drafts that save themselves, edit conflicts that keep the typed
text, goals with percentage targets, submission with the evidence frozen, a returned
review, last quarter's goals with their outcomes, both languages, and who may open it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import Engine, update
from streamlit.testing.v1 import AppTest

from core.auth.scope import Scope
from core.db.engine import make_engine
from core.metrics.period import parse_period
from core.paths import CONFIG_DIR
from core.reviews.evidence import build_evidence
from core.reviews.models import Review
from core.reviews.records import Goal, ReviewRecord, load_review
from core.reviews.template import load_review_template
from core.reviews.workflow import return_review, save_body, save_goals, submit
from core.rules import load_default_rules
from tests.app.conftest import open_page, start_app

OF1 = Scope("officer", staff_code="OF1")
TEAM = Scope("team", branch="城关支行", team="城关一组")
NOW = dt.datetime(2025, 7, 5, 9, 0, tzinfo=dt.UTC)
Q2 = "2025Q2"
RULES = load_default_rules()
TEMPLATE = load_review_template(CONFIG_DIR / "review_template.yaml", RULES)
WRITTEN = [s.key for s in TEMPLATE.sections if not s.plan]

PAGE = "pages/my_review.py"


@pytest.fixture(autouse=True)
def early_july(monkeypatch: pytest.MonkeyPatch) -> None:
    # 5 July: the review to write is 2025Q2's, due 15 July.
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 7, 5))


@pytest.fixture
def app_engine(loaded_db: str) -> Engine:
    return make_engine(database_url=loaded_db)


def stored(engine: Engine, period: str = Q2) -> ReviewRecord:
    with engine.connect() as conn:
        found = load_review(conn, OF1, "OF1", period)
    assert found is not None
    return found


def box(at: AppTest, section: str):
    return at.text_area(key=f"my_review_body_{Q2}_{section}")


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def red(at: AppTest) -> list[str]:
    """Problems shown next to fields (rule findings in the evidence left out)."""
    return [
        m.value
        for m in at.markdown
        if m.value.startswith(":red[") and not m.value.startswith(":red[Goal missed]")
    ]


def write_everything(engine: Engine) -> None:
    for key in WRITTEN:
        save_body(engine, "officer", OF1, Q2, key, f"关于{key}的总结", 0, TEMPLATE, NOW)
    save_goals(engine, "officer", OF1, Q2, [Goal("par30", Decimal("0.05"), "")], 0, NOW)


def submit_from_core(engine: Engine) -> None:
    with engine.connect() as conn:
        evidence = build_evidence(conn, "OF1", Q2, parse_period(Q2), RULES)
    assert evidence is not None
    submit(engine, "officer", OF1, Q2, evidence, 1, TEMPLATE, NOW)


def test_a_section_saves_itself(loaded_db: str, log_in_as, app_engine: Engine) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    assert at.title[0].value == "My quarterly review"
    assert at.markdown[0].value == ":gray-badge[Not started] · Due 15 Jul 2025: 10 days left"
    box(at, "judging").set_value("三笔贷款出了问题：没有核实家庭收入。").run()
    assert not at.exception
    review = stored(app_engine)
    assert review.status == "draft"
    assert review.section("judging").body == "三笔贷款出了问题：没有核实家庭收入。"
    assert review.section("judging").body_revision == 1
    assert any(c.value.startswith("Saved ") for c in at.caption)
    assert at.markdown[0].value.startswith(":blue-badge[Draft]")
    # The next edit names revision 1 and goes through.
    box(at, "judging").set_value("第二稿").run()
    assert (
        stored(app_engine).section("judging").body,
        stored(app_engine).section("judging").body_revision,
    ) == (
        "第二稿",
        2,
    )


def test_a_stale_save_shows_the_stored_text_and_keeps_the_typed_one(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    box(at, "judging").set_value("第一稿").run()
    # Another tab saves the section meanwhile.
    save_body(app_engine, "officer", OF1, Q2, "judging", "另一个标签页的文字", 1, TEMPLATE, NOW)
    box(at, "judging").set_value("我这边的新文字").run()
    assert not at.exception
    assert len(at.warning) == 1
    assert "changed somewhere else" in at.warning[0].value
    assert "另一个标签页的文字" in [x.value for x in at.text]
    assert box(at, "judging").value == "我这边的新文字"
    assert stored(app_engine).section("judging").body == "另一个标签页的文字"
    # Having seen it, the officer keeps their own text: saved over the stored version.
    button(at, "Keep my text").click().run()
    assert not at.warning
    assert (stored(app_engine).section("judging").body, box(at, "judging").value) == (
        "我这边的新文字",
        "我这边的新文字",
    )


def test_a_review_submitted_elsewhere_keeps_the_unsaved_text_readable(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    write_everything(app_engine)
    log_in_as("officer")
    at = open_page(PAGE)
    submit_from_core(app_engine)  # from another tab
    box(at, "shortcomings").set_value("还想补充一句").run()
    assert not at.exception
    assert at.error[0].value == (
        "This review is submitted or signed off and can no longer be changed."
    )
    assert not at.text_area
    assert at.warning[0].value.startswith("Not saved, because the review was submitted")
    assert "还想补充一句" in [x.value for x in at.text]
    assert stored(app_engine).section("shortcomings").body == "关于shortcomings的总结"


def test_taking_the_stored_text_puts_it_in_the_box(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    box(at, "growth").set_value("读书").run()
    save_body(app_engine, "officer", OF1, Q2, "growth", "读完《小额信贷实务》", 1, TEMPLATE, NOW)
    box(at, "growth").set_value("读书笔记").run()
    button(at, "Take the stored text").click().run()
    assert not at.warning
    assert box(at, "growth").value == "读完《小额信贷实务》"
    # Later saves start from the stored revision (2): no new conflict.
    box(at, "growth").set_value("读完《小额信贷实务》并做了笔记").run()
    assert not at.warning
    assert stored(app_engine).section("growth").body_revision == 3


def test_a_text_too_long_is_refused_next_to_the_box(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    box(at, "time").set_value("长" * 10_001).run()
    assert ":red[Too long: at most 10000 characters.]" in red(at)
    assert box(at, "time").value == "长" * 10_001
    assert stored(app_engine).status == "not_started"


def goal_field(at: AppTest, kind: str, row: int, generation: int = 0):
    if kind == "figure":
        return at.selectbox(key=f"my_review_goal_figure_{Q2}_{generation}_{row}__en")
    return at.text_input(key=f"my_review_goal_{kind}_{Q2}_{generation}_{row}")


def test_goals_save_themselves_and_store_a_percentage_as_a_fraction(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    assert not [b for b in at.button if b.label == "Save goals"]  # nothing to forget to press
    goal_field(at, "figure", 0).set_value("recovery_rate").run()
    goal_field(at, "target", 0).set_value("95").run()
    goal_field(at, "text", 0).set_value("每周回访逾期户").run()
    goal_field(at, "text", 1).set_value("读完一本业务书").run()
    assert not at.exception
    review = stored(app_engine)
    assert review.goals == (
        Goal("recovery_rate", Decimal("0.95"), "每周回访逾期户"),
        Goal(None, None, "读完一本业务书"),
    )
    # One save per field left, but the figure alone was refused (it asks for a target).
    assert review.plan_revision == 3
    assert any(c.value.startswith("Saved ") for c in at.caption)
    # The fields stay as typed (the ratio as the percentage), and a reopened page shows
    # the stored plan the same way.
    assert goal_field(at, "target", 0).value == "95"
    again = open_page(PAGE)
    assert goal_field(again, "target", 0).value == "95"
    assert goal_field(again, "text", 1).value == "读完一本业务书"


def test_goal_problems_show_per_row_and_the_typed_rows_stay(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    goal_field(at, "figure", 0).set_value("par30")
    goal_field(at, "target", 0).set_value("五")
    goal_field(at, "target", 1).set_value("3")
    goal_field(at, "figure", 2).set_value("followups_overdue")
    at.run()
    assert not at.exception
    assert red(at) == [
        ":red[The target must be a number of 0 or more, such as 95.]",
        ":red[Choose the figure this target is for.]",
        ":red[Give a target for the figure.]",
    ]
    assert stored(app_engine).goals == ()
    assert "Not saved yet: fix the goal marked in red. What you typed stays here." in [
        c.value for c in at.caption
    ]
    # What was typed stays, also after going to another page and coming back.
    assert goal_field(at, "target", 0).value == "五"
    at.switch_page("pages/my_quarter.py").run()
    at.switch_page("pages/my_review.py").run()
    assert goal_field(at, "target", 0).value == "五"
    assert goal_field(at, "target", 1).value == "3"
    # Fixing the rows saves them.
    goal_field(at, "target", 0).set_value("5").run()
    goal_field(at, "figure", 1).set_value("par30").run()
    goal_field(at, "target", 2).set_value("0").run()
    assert red(at) == []
    assert stored(app_engine).goals == (
        Goal("par30", Decimal("0.05"), ""),
        Goal("par30", Decimal("0.03"), ""),
        Goal("followups_overdue", Decimal("0"), ""),
    )


def test_goals_saved_elsewhere_are_a_conflict(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    save_goals(app_engine, "officer", OF1, Q2, [Goal("par30", Decimal("0.03"), "别处")], 0, NOW)
    goal_field(at, "text", 0).set_value("我的目标").run()
    assert not at.exception
    assert "goals were changed somewhere else" in at.warning[0].value
    assert "PAR 30 ≤ 3.0% · 别处" in [x.value for x in at.text]
    assert goal_field(at, "text", 0).value == "我的目标"
    assert stored(app_engine).goals == (Goal("par30", Decimal("0.03"), "别处"),)
    button(at, "Keep my goals").click().run()
    assert stored(app_engine).goals == (Goal(None, None, "我的目标"),)
    assert not at.warning


def test_submitting_saves_goals_typed_last(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    for key in WRITTEN:
        save_body(app_engine, "officer", OF1, Q2, key, f"关于{key}的总结", 0, TEMPLATE, NOW)
    log_in_as("officer")
    at = open_page(PAGE)
    # The officer types a goal and presses submit straight away: both reach the server in
    # one run, the goal first.
    goal_field(at, "text", 0).set_value("每月培训一个新小组")
    button(at, "Submit the review").click().run()
    assert not at.exception
    review = stored(app_engine)
    assert review.status == "submitted"
    assert review.goals == (Goal(None, None, "每月培训一个新小组"),)


def test_a_goal_that_cannot_be_saved_holds_the_submit_back(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    write_everything(app_engine)
    log_in_as("officer")
    at = open_page(PAGE)
    goal_field(at, "target", 1).set_value("九十")
    button(at, "Submit the review").click().run()
    assert not at.exception
    assert stored(app_engine).status == "draft"
    assert ":red[The target must be a number of 0 or more, such as 95.]" in red(at)
    assert any("not saved yet" in r for r in red(at))
    assert goal_field(at, "target", 1).value == "九十"


def test_submission_opens_days_before_the_quarter_ends(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    q3 = "2025Q3"  # ends 30 September: submission opens 20 September (10 days before)
    for key in WRITTEN:
        save_body(app_engine, "officer", OF1, q3, key, "写好了", 0, TEMPLATE, NOW)
    save_goals(app_engine, "officer", OF1, q3, [Goal(None, None, "目标")], 0, NOW)
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 9, 19))
    log_in_as("officer")
    at = open_page(PAGE)
    assert at.info[0].value == (
        "You can submit from 20 Sept 2025 (10 days before the quarter ends). "
        "Until then keep writing: everything you type saves itself."
    )
    assert button(at, "Submit the review").disabled
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 9, 20))
    at = open_page(PAGE)
    assert not at.info
    button(at, "Submit the review").click().run()
    assert stored(app_engine, q3).status == "submitted"


def test_submitting_with_empty_sections_says_which(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    box(at, "judging").set_value("写了一节").run()
    button(at, "Submit the review").click().run()
    assert not at.exception
    errors = red(at)
    empty = ":red[This section is empty. Write something before submitting.]"
    assert errors.count(empty) == len(WRITTEN) - 1
    assert ":red[Set at least one goal before submitting.]" in errors
    assert box(at, "judging").value == "写了一节"
    assert stored(app_engine).status == "draft"
    # Writing a section takes its error away; the others stay.
    box(at, "customers").set_value("发展了两个新小组").run()
    assert red(at).count(empty) == len(WRITTEN) - 2


def test_a_complete_review_submits_and_becomes_read_only(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    write_everything(app_engine)
    log_in_as("officer")
    at = open_page(PAGE)
    button(at, "Submit the review").click().run()
    assert not at.exception
    review = stored(app_engine)
    assert review.status == "submitted"
    assert review.snapshot is not None
    assert review.snapshot.figures["recovery_rate"] is not None
    assert Decimal(review.snapshot.figures["recovery_rate"]).quantize(Decimal("0.001")) == Decimal(
        "0.222"
    )
    assert at.success[0].value == "Your review was submitted to your team leader."
    assert not at.text_area
    assert at.markdown[0].value.startswith(":orange-badge[Submitted] · Submitted ")
    judging = at.dataframe[0].value
    values = dict(zip(judging["Figure"], judging["Value"], strict=True))
    assert values["Recovery rate"] == "22.2%"
    assert values["PAR 30"] == "100.0%"
    # No hours on appraisal: the rule judges a share of 0, so the table shows 0.0%, not "—".
    time = next(
        d.value
        for d in at.dataframe
        if "Share of hours: Loan appraisal" in list(d.value.iloc[:, 0])
    )
    shares = dict(zip(time["Figure"], time["Value"], strict=True))
    assert shares["Share of hours: Loan appraisal"] == "0.0%"
    assert shares["Share of hours: Collection"] == "53.3%"  # 4 of 7.5 hours
    assert "关于judging的总结" in [x.value for x in at.text]
    plan = [
        d.value for d in at.dataframe if "Goal" in d.value.columns and len(d.value.columns) == 1
    ]
    assert list(plan[0]["Goal"]) == ["PAR 30 ≤ 5.0%"]


def test_a_submitted_review_shows_its_snapshot_not_todays_figures(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    write_everything(app_engine)
    submit_from_core(app_engine)
    # Stands for a later import: the frozen figures differ from what the engine says now.
    snapshot = json.loads(stored(app_engine).snapshot.to_json())  # type: ignore[union-attr]
    snapshot["figures"]["recovery_rate"] = "0.5"
    with app_engine.begin() as conn:
        conn.execute(update(Review).values(snapshot=json.dumps(snapshot)))
    log_in_as("officer")
    at = open_page(PAGE)
    judging = at.dataframe[0].value
    values = dict(zip(judging["Figure"], judging["Value"], strict=True))
    assert values["Recovery rate"] == "50.0%"
    assert [b.label for b in at.button if (b.key or "").startswith("review_md_")] == [
        "Download Markdown"
    ]


def test_a_returned_review_shows_the_note_and_can_be_edited(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    write_everything(app_engine)
    submit_from_core(app_engine)
    note = "请补充**回访**情况 <b>谢谢</b>"
    return_review(app_engine, "team_leader", TEAM, "OF1", Q2, note, 2, NOW)
    log_in_as("officer")
    at = open_page(PAGE)
    assert at.markdown[0].value.startswith(":red-badge[Returned for revision]")
    assert note in [x.value for x in at.text]  # as plain text, not Markdown
    assert box(at, "service").value == "关于service的总结"
    box(at, "service").set_value("补充了回访情况").run()
    assert stored(app_engine).section("service").body == "补充了回访情况"
    button(at, "Submit the review").click().run()
    assert stored(app_engine).status == "submitted"


def test_last_quarters_goals_show_their_outcome(
    loaded_db: str,
    log_in_as,
    app_engine: Engine,
) -> None:
    goals = [Goal("par30", Decimal("0.05"), ""), Goal(None, None, "读完一本业务书")]
    save_goals(app_engine, "officer", OF1, "2025Q1", goals, 0, NOW)
    log_in_as("officer")
    at = open_page(PAGE)
    assert "**Goals set in 2025Q1**" in [m.value for m in at.markdown]
    table = next(d.value for d in at.dataframe if "Outcome" in d.value.columns)
    # OF1's PAR30 in 2025Q2 is 100%: a goal of at most 5% was missed.
    assert table.to_dict("records") == [
        {"Goal": "PAR 30 ≤ 5.0%", "Value in 2025Q2": "100.0%", "Outcome": "Missed"},
        {"Goal": "读完一本业务书", "Value in 2025Q2": "", "Outcome": "Judge for yourself"},
    ]


def test_a_past_quarter_without_a_review_is_read_only(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    at.selectbox(key="my_review_quarter__en").set_value("2025Q1").run()
    assert not at.exception
    assert not at.text_area
    assert at.info[0].value == "No review was written for this quarter."


def test_speaks_chinese(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE, "zh")
    assert at.title[0].value == "我的季度总结"
    assert at.markdown[0].value == ":gray-badge[未开始] · 截止日期2025年7月15日：还剩10天"
    assert [s.value for s in at.subheader][:2] == ["借款人判断", "培养与维护客户"]
    captions = [c.value for c in at.caption]
    assert TEMPLATE.section("judging").prompt_zh in captions
    assert button(at, "提交总结")


def test_other_roles_cannot_open_it(loaded_db: str, log_in_as) -> None:
    for role in ("team_leader", "trainer", "admin"):
        log_in_as(role)
        with pytest.raises(ValueError):
            start_app("en").switch_page("pages/my_review.py")
