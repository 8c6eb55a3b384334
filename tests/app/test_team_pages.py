"""The team leader's pages: the team overview (bullet charts, breaches ranked, review
statuses, scorecard downloads) and coaching a review (comment and rate each section, return
for revision, sign off; edit conflicts keep the leader's text; drafts stay private)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from app.figures.team_charts import band_segments
from core.auth.scope import Scope
from core.db.engine import make_engine
from core.metrics.officers import compute_officer_scorecards
from core.metrics.period import parse_period
from core.paths import CONFIG_DIR
from core.reviews.evidence import build_evidence
from core.reviews.export import team_scorecard_csv, team_scorecard_xlsx
from core.reviews.records import Goal, load_review
from core.reviews.template import load_review_template
from core.reviews.workflow import save_body, save_comment, save_goals, submit
from core.rules import Rule, load_default_rules
from core.rules.team import distance_from_target, scorecard_cells, scorecard_formats
from tests.app.conftest import elements, start_app

OF1 = Scope("officer", staff_code="OF1")
TEAM = Scope("team", branch="城关支行", team="城关一组")
Q2 = "2025Q2"
NOW = dt.datetime(2025, 7, 5, 9, 0, tzinfo=dt.UTC)
RULES = load_default_rules()
TEMPLATE = load_review_template(CONFIG_DIR / "review_template.yaml", RULES)
SECTIONS = [s.key for s in TEMPLATE.sections]


@pytest.fixture(autouse=True)
def early_july(monkeypatch: pytest.MonkeyPatch) -> None:
    # On 5 July the review to write (and coach) is 2025Q2's, due 15 July.
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 7, 5))


def engine_of(url: str) -> Engine:
    return make_engine(database_url=url)


def open_team(language: str = "en", quarter: str = Q2) -> AppTest:
    at = start_app(language).switch_page("pages/team.py").run()
    at.selectbox(key=f"period_quarter__{language}").set_value(quarter).run()
    assert not at.exception, at.exception
    return at


def open_reviews(language: str = "en", **query: str) -> AppTest:
    at = start_app(language)
    at.query_params.update(query)
    at = at.switch_page("pages/team_reviews.py").run()
    assert not at.exception, at.exception
    return at


def chart_layers(at: AppTest, title: str) -> list[tuple[str, pd.DataFrame]]:
    """The (mark type, data) of each layer of the chart titled `title`."""
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if spec.get("title", {}).get("text") != title:
            continue
        data = {
            d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in element.proto.datasets
        }
        return [(layer["mark"]["type"], data[layer["data"]["name"]]) for layer in spec["layer"]]
    raise AssertionError(f"no chart titled {title!r}")


def page_text(at: AppTest) -> str:
    """Every text the page shows: Markdown, plain text, captions, alerts, tables, fields."""
    parts: list[str] = []
    for kind in ("markdown", "text", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in elements(at, kind)]
    parts += [d.value.to_string() for d in at.dataframe]
    parts += [str(a.value) for a in at.text_area]
    return "\n".join(parts)


def submit_of1(url: str, skip_plan: bool = False) -> None:
    """OF1 writes every section, sets a goal and submits 2025Q2 (evidence frozen)."""
    engine = engine_of(url)
    for key in SECTIONS:
        if not TEMPLATE.section(key).plan:
            save_body(engine, "officer", OF1, Q2, key, f"{key}：本季度的总结", 0, TEMPLATE, NOW)
    save_goals(
        engine,
        "officer",
        OF1,
        Q2,
        [Goal("recovery_rate", Decimal("0.95"), "每周回访逾期户")],
        0,
        NOW,
    )
    with engine.connect() as conn:
        evidence = build_evidence(conn, "OF1", Q2, parse_period(Q2), RULES)
    assert evidence is not None
    submit(engine, "officer", OF1, Q2, evidence, 1, TEMPLATE, NOW)
    engine.dispose()


def stored(url: str):
    engine = engine_of(url)
    with engine.connect() as conn:
        record = load_review(conn, TEAM, "OF1", Q2)
    engine.dispose()
    return record


# --- the team overview -------------------------------------------------------------------


def test_bullet_charts_put_the_officers_side_by_side(loaded_db: str, log_in_as) -> None:
    log_in_as("team_leader")
    at = open_team()
    assert at.title[0].value == "Team overview"
    titles = [json.loads(c.proto.spec)["title"]["text"] for c in at.get("vega_lite_chart")]
    assert titles == [
        "Recovery rate",
        "On-time rate",
        "PAR 30",
        "Training compliance",
        "Visit coverage",
        "Overdue follow-ups",
        "Renewal rate",
        "Field receipts not reconciled",
    ]
    # The goal as the tiles say it: the bound as written in rules.yaml, not "100.0%".
    subtitles = {
        json.loads(c.proto.spec)["title"]["text"]: json.loads(c.proto.spec)["title"]["subtitle"]
        for c in at.get("vega_lite_chart")
    }
    assert subtitles["Recovery rate"] == "Goal: 100%"
    assert subtitles["Overdue follow-ups"] == "Goal: 0"
    layers = chart_layers(at, "Recovery rate")
    assert [mark for mark, _ in layers] == ["rect", "bar", "text", "tick"]
    bands = layers[0][1]
    # Recovery bands of config/rules.yaml: fail 95%, warn 98%, target 100%.
    of1 = bands[bands["Officer"] == "张伟 (OF1)"]
    assert of1[["start", "stop", "Status"]].values.tolist() == [
        [0.0, 95.0, "Goal missed"],
        [95.0, 98.0, "Warning"],
        [98.0, 100.0, "Goal met"],
    ]
    bars = layers[1][1].set_index("Officer")
    # OF1 collected 1,000.00 of 4,500.25 due in 2025Q2; OF2 had nothing due.
    assert bars.loc["张伟 (OF1)", "shown"] == "22.2%"
    assert bars.loc["张伟 (OF1)", "Value"] == pytest.approx(100 * 100000 / 450025)
    assert bars.loc["张伟 (OF1)", "Status"] == "Goal missed"
    assert bars.loc["刘洋 (OF2)", "shown"] == "No data"
    assert layers[3][1]["target"].tolist() == [100.0, 100.0]
    # PAR30: lower is better, so the met band starts at 0.
    par = chart_layers(at, "PAR 30")
    par_bands = par[0][1][par[0][1]["Officer"] == "张伟 (OF1)"]
    assert par_bands[["start", "stop", "Status"]].values.tolist() == [
        [0.0, 5.0, "Goal met"],
        [5.0, 10.0, "Warning"],
        [10.0, 100.0, "Goal missed"],
    ]
    assert par[1][1].set_index("Officer").loc["张伟 (OF1)", "shown"] == "100.0%"


def test_a_goal_of_zero_follow_ups_is_drawn_as_a_green_point(loaded_db: str, log_in_as) -> None:
    # no_overdue_followups: lower, target = warn = 0, fail = 2. Values 1 (OF1) and 0 (OF2),
    # so the axis ends at 3 (2 * 1.25 rounded up, and at least the fail line + 1).
    log_in_as("team_leader")
    at = open_team()
    layers = chart_layers(at, "Overdue follow-ups")
    assert [mark for mark, _ in layers] == ["rect", "tick", "bar", "text", "tick"]
    rects = layers[0][1][layers[0][1]["Officer"] == "张伟 (OF1)"]
    assert rects[["start", "stop", "Status"]].values.tolist() == [
        [0.0, 2.0, "Warning"],
        [2.0, 3.0, "Goal missed"],
    ]
    point = layers[1][1]
    assert point[["Officer", "start", "Status"]].values.tolist() == [
        ["张伟 (OF1)", 0.0, "Goal met"],
        ["刘洋 (OF2)", 0.0, "Goal met"],
    ]
    spec = next(
        json.loads(c.proto.spec)
        for c in at.get("vega_lite_chart")
        if json.loads(c.proto.spec)["title"]["text"] == "Overdue follow-ups"
    )
    tick = spec["layer"][1]
    assert tick["mark"]["type"] == "tick" and tick["mark"]["thickness"] == 6
    scale = tick["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True))["Goal met"] == "green"
    bars = layers[2][1].set_index("Officer")
    assert bars.loc["张伟 (OF1)", "Status"] == "Warning"
    assert bars.loc["刘洋 (OF2)", "Status"] == "Goal met"
    assert layers[4][1]["target"].tolist() == [0.0, 0.0]


def _rule(better: str, target: Any, warn: Any, fail: Any, figure: str) -> Rule:
    return dataclasses.replace(
        RULES.by_id("recovery_rate"),
        better=better,
        target=target,
        warn=warn,
        fail=fail,
        figure=figure,
    )


D = Decimal


@pytest.mark.parametrize(
    ("rule", "end", "segments"),
    [
        (
            RULES.by_id("recovery_rate"),
            100.0,
            [(0, 95, "breached"), (95, 98, "warning"), (98, 100, "met")],
        ),
        (
            RULES.by_id("par30_limit"),
            100.0,
            [(0, 5, "met"), (5, 10, "warning"), (10, 100, "breached")],
        ),
        # target = warn = 0: the met band is the point 0.
        (
            RULES.by_id("no_overdue_followups"),
            3.0,
            [(0, 0, "met"), (0, 2, "warning"), (2, 3, "breached")],
        ),
        # warn = fail as well: no warning band, any follow-up breaches.
        (
            _rule("lower", D(0), D(0), D(0), "followups_overdue"),
            2.0,
            [(0, 0, "met"), (0, 2, "breached")],
        ),
        # target = warn = fail = 100%: breached up to 100%, met only at 100%.
        (
            RULES.by_id("training_before_first_loan"),
            100.0,
            [(0, 100, "breached"), (100, 100, "met")],
        ),
        (
            _rule("higher", D("0.9"), D("0.9"), D("0.8"), "recovery_rate"),
            100.0,
            [(0, 80, "breached"), (80, 90, "warning"), (90, 100, "met")],
        ),
        (
            RULES.by_id("caseload"),
            313.0,
            [
                (0, 30, "breached"),
                (30, 60, "warning"),
                (60, 180, "met"),
                (180, 250, "warning"),
                (250, 313, "breached"),
            ],
        ),
        # fail.low = 0: nothing lies below it.
        (
            RULES.by_id("time_collection"),
            100.0,
            [(0, 5, "warning"), (5, 40, "met"), (40, 50, "warning"), (50, 100, "breached")],
        ),
        # A range whose met band is one value, warn = fail on the low side.
        (
            _rule(
                "range",
                (D("0.2"), D("0.2")),
                (D("0.2"), D("0.2")),
                (D("0.2"), D("0.5")),
                "on_time_rate",
            ),
            100.0,
            [(0, 20, "breached"), (20, 20, "met"), (20, 50, "warning"), (50, 100, "breached")],
        ),
    ],
)
def test_bands_are_drawn_for_every_direction(
    rule: Rule, end: float, segments: list[tuple[float, float, str]]
) -> None:
    assert band_segments(rule, end) == [(float(a), float(b), s) for a, b, s in segments]


def group_table(at: AppTest, column: str) -> list[list[str]]:
    """The rows of the team and branch goals table (the one with `column`)."""
    return next(d.value for d in at.dataframe if column in d.value.columns).values.tolist()


def test_the_team_overview_shows_the_team_and_branch_goals(two_branch_db: str, log_in_as) -> None:
    log_in_as("team_leader")  # TL1 leads 城关一组 of 城关支行
    at = open_team()
    assert "Team and branch goals" in [h.value for h in at.subheader]
    assert group_table(at, "Team or branch") == [
        # 1,000.00 of 4,500.25 due in Q2 came back.
        [
            "Team 城关一组 (城关支行)",
            "Team recovery rate",
            "22.2%",
            "Goal missed: below 95%",
            "100%",
        ],
        # The whole branch: 4,800.50 of 5,800.50 outstanding is more than 30 days late.
        ["Branch 城关支行", "Branch PAR30", "82.8%", "Goal missed: above 5%", "2%"],
    ]
    # No other team's or branch's goal, and no officer of 城关二组.
    assert "城关二组" not in page_text(at) and "河口" not in page_text(at)
    assert "OF3" not in page_text(at)


def test_the_team_and_branch_goals_speak_chinese(two_branch_db: str, log_in_as) -> None:
    log_in_as("team_leader")
    at = open_team("zh")
    assert "小组与支行目标" in [h.value for h in at.subheader]
    assert group_table(at, "小组或支行") == [
        ["小组 城关一组（城关支行）", "小组回收率", "22.2%", "未达标：低于95%", "100%"],
        ["支行 城关支行", "支行30天以上风险贷款率", "82.8%", "未达标：高于5%", "2%"],
    ]


def test_breaches_are_ranked_most_severe_first(loaded_db: str, log_in_as) -> None:
    log_in_as("team_leader")
    table = open_team().dataframe[0].value
    assert list(table.columns) == ["Officer", "Goal", "Value", "Target", "Status"]
    rows = table.values.tolist()
    # Distance beyond the target in units of the rule's tolerance (target to fail):
    # recovery (100 - 22.2) / 5 = 15.6, PAR30 (100 - 2) / 8 = 12.25, on-time 95 / 15 =
    # 6.3, then OF2's appraisal time 100% against 10-25% (fail 40%): 75 / 15 = 5.0.
    assert rows[:4] == [
        ["张伟 (OF1)", "Recovery rate", "22.2%", "100.0%", "Goal missed"],
        ["张伟 (OF1)", "Portfolio at risk over 30 days (PAR30)", "100.0%", "2.0%", "Goal missed"],
        ["张伟 (OF1)", "On-time repayment rate", "0.0%", "95.0%", "Goal missed"],
        ["刘洋 (OF2)", "Time on loan appraisal", "100.0%", "10.0%–25.0%", "Goal missed"],
    ]
    statuses = [row[4] for row in rows]
    assert statuses == ["Goal missed"] * 16 + ["Warning"] * 7
    # The last: OF1's one overdue follow-up (target 0, fail 2: 1 / 2 = 0.5).
    assert rows[-1] == ["张伟 (OF1)", "Overdue follow-ups", "1", "0", "Warning"]


def test_distance_is_measured_in_the_rules_tolerance() -> None:
    recovery, par30 = RULES.by_id("recovery_rate"), RULES.by_id("par30_limit")
    assert distance_from_target(recovery, Decimal("0.90")) == Decimal(2)  # 10 / 5
    assert distance_from_target(recovery, Decimal("0.99")) == Decimal("0.2")  # met, not at goal
    assert distance_from_target(recovery, Decimal(1)) == Decimal(0)
    assert distance_from_target(par30, Decimal("0.06")) == Decimal("0.5")  # 4 / 8
    caseload = RULES.by_id("caseload")  # range 80-150, fail 30-250
    assert distance_from_target(caseload, 180) == Decimal("0.3")  # 30 / 100
    assert distance_from_target(caseload, 55) == Decimal("0.5")  # 25 / 50
    assert distance_from_target(caseload, 100) == Decimal(0)
    training = RULES.by_id("training_before_first_loan")  # strict: no tolerance
    assert distance_from_target(training, Decimal("0.75")) == Decimal("0.25")


def test_review_statuses_link_to_each_review(loaded_db: str, log_in_as) -> None:
    submit_of1(loaded_db)
    log_in_as("team_leader")
    at = open_team()
    assert "Quarterly reviews: 2025Q2" in [h.value for h in at.subheader]
    lines = [m.value for m in at.markdown]
    assert "**刘洋** (OF2) · Not started" in lines
    assert "**张伟** (OF1) · Submitted" in lines
    links = [parse_qs(p.proto.query_string) for p in at.get("page_link")]
    assert {"officer": ["OF1"], "period": ["2025Q2"]} in links
    assert {"officer": ["OF2"], "period": ["2025Q2"]} in links
    assert [at.button(key=k).label for k in ("team_scorecard_csv", "team_scorecard_xlsx")] == [
        "Download CSV",
        "Download Excel",
    ]


def test_the_scorecard_download_reads_as_people_read_it(loaded_db: str) -> None:
    engine = engine_of(loaded_db)
    with engine.connect() as conn:
        cards = compute_officer_scorecards(conn, TEAM, parse_period(Q2), RULES.params)
    engine.dispose()
    rows: list[list[Any]] = scorecard_cells(cards)
    headers = ["code", "name", *(f"h{i}" for i in range(len(rows[0]) - 2))]
    formats = scorecard_formats()
    lines = team_scorecard_csv(rows, headers, formats).decode("utf-8-sig").split("\r\n")
    # recovery 100000/450025 = 22.22...%, on-time 0, PAR30 100%, no first loans,
    # coverage 50%, 1 overdue follow-up, no renewal data, 2 borrowers, 4,800.50 outstanding
    # (L1 1,000.00 + L2 3,800.50), no loans disbursed in Q2, 7.50 hours logged; no field
    # receipts (count and amount after the renewal rate).
    assert lines[1] == "OF1,张伟,22.2%,0.0%,100.0%,,50.0%,1,,0,0.00,2,4800.50,0,0.00,7.50"
    assert lines[2] == "OF2,刘洋,,,,,,0,,0,0.00,0,0.00,0,0.00,7.25"
    # Excel gets the exact figures, shown as percentages and yuan.
    sheet = load_workbook(io.BytesIO(team_scorecard_xlsx(rows, headers, "s", formats))).active
    assert sheet is not None
    recovery, outstanding = sheet["C2"], sheet["M2"]
    assert Decimal(str(recovery.value)) == Decimal(f"{Decimal(100000) / Decimal(450025):.16g}")
    assert recovery.number_format == "0.0%"
    assert outstanding.value == 4800.5 and outstanding.number_format == "#,##0.00"
    assert sheet["H2"].value == 1  # overdue follow-ups: a count


# --- coaching a review -------------------------------------------------------------------


def test_a_draft_stays_private_until_submitted(loaded_db: str, log_in_as) -> None:
    save_body(engine_of(loaded_db), "officer", OF1, Q2, "judging", "秘密草稿内容", 0, TEMPLATE, NOW)
    log_in_as("team_leader")
    at = open_reviews(officer="OF1", period=Q2)
    assert at.title[0].value == "Reviews to coach"
    text = page_text(at)
    assert "Not submitted yet" in text
    assert "秘密草稿内容" not in text
    assert not at.text_area  # nothing to comment on


def test_comment_rate_every_section_and_sign_off(loaded_db: str, log_in_as) -> None:
    submit_of1(loaded_db)
    log_in_as("team_leader")
    at = open_reviews()
    queue = at.dataframe[0].value
    assert queue["Status"].tolist() == ["Submitted", "Not started"]  # waiting first
    # The officer's text is shown as plain text, the evidence from the snapshot.
    assert "judging：本季度的总结" in [t.value for t in at.text]
    # Signing off with no section rated: refused, and every section says so.
    at.button(key="tr_signoff_OF1_2025Q2_button").click().run()
    assert "Rate every section before signing off" in page_text(at)
    missing = ":red[Rate this section before signing off.]"
    assert [m.value for m in at.markdown].count(missing) == len(SECTIONS)
    assert not [b for b in at.button if b.label == "Save comment and rating"]
    for index, key in enumerate(SECTIONS):
        base = f"tr_OF1_2025Q2_{key}"
        # Leaving the box saves the comment; picking a rating saves it too.
        at = at.text_area(key=f"{base}_comment").input(f"点评{index}").run()
        assert not at.exception, at.exception
        assert stored(loaded_db).section(key).comment == f"点评{index}"
        at = at.selectbox(key=f"{base}_rating__en").set_value("3" if index else "4").run()
        assert not at.exception, at.exception
    assert "Saved " in " ".join(c.value for c in at.caption)
    record = stored(loaded_db)
    assert record.section("judging").comment == "点评0"
    assert record.section("judging").rating == "4"
    assert record.section("plan").rating == "3"
    at = at.button(key="tr_signoff_OF1_2025Q2_button").click().run()
    assert at.success[0].value == "Review signed off."
    assert stored(loaded_db).status == "signed_off"
    at = open_reviews(officer="OF1", period=Q2)
    text = page_text(at)
    assert "Signed off by team\\_leader on" in text
    assert "Rating: 4 · Exceeds expectations" in text
    assert not at.text_area  # locked: nothing left to edit


def test_return_needs_a_note(loaded_db: str, log_in_as) -> None:
    submit_of1(loaded_db)
    log_in_as("team_leader")
    at = open_reviews(officer="OF1", period=Q2)
    returning = [b for b in at.button if b.label == "Return for revision"][0]
    at = returning.click().run()
    assert ":red[This is required.]" in [m.value for m in at.markdown]
    assert stored(loaded_db).status == "submitted"
    at.text_area(key="tr_return_OF1_2025Q2_note").input("请补充逾期贷款的分析")
    at = [b for b in at.button if b.label == "Return for revision"][0].click().run()
    record = stored(loaded_db)
    assert (record.status, record.return_note) == ("returned", "请补充逾期贷款的分析")


def test_an_edit_conflict_keeps_the_leaders_text(loaded_db: str, log_in_as) -> None:
    submit_of1(loaded_db)
    log_in_as("team_leader")
    at = open_reviews(officer="OF1", period=Q2)
    base = "tr_OF1_2025Q2_judging"
    # Meanwhile the same section is saved from another tab.
    save_comment(
        engine_of(loaded_db), "team_leader", TEAM, "OF1", Q2, "judging", "另一个标签页的点评",
        "2", 0, TEMPLATE, NOW,
    )  # fmt: skip
    at = at.text_area(key=f"{base}_comment").input("我的点评").run()
    assert not at.exception, at.exception
    assert any("Someone saved a comment" in w.value for w in at.warning)
    assert "另一个标签页的点评" in [t.value for t in at.text]
    assert "Rating: 2 · Needs some improvement" in [c.value for c in at.caption]
    assert at.text_area(key=f"{base}_comment").value == "我的点评"
    assert stored(loaded_db).section("judging").comment == "另一个标签页的点评"
    at = at.button(key=f"{base}_use_mine").click().run()
    record = stored(loaded_db)
    assert (record.section("judging").comment, record.section("judging").rating) == (
        "我的点评",
        None,
    )
    assert not at.warning


def test_the_saved_version_can_be_taken_instead(loaded_db: str, log_in_as) -> None:
    submit_of1(loaded_db)
    log_in_as("team_leader")
    at = open_reviews(officer="OF1", period=Q2)
    base = "tr_OF1_2025Q2_customers"
    save_comment(
        engine_of(loaded_db), "team_leader", TEAM, "OF1", Q2, "customers", "他们的点评", "5", 0,
        TEMPLATE, NOW,
    )  # fmt: skip
    at = at.text_area(key=f"{base}_comment").input("我的点评").run()
    assert any("Someone saved a comment" in w.value for w in at.warning)
    at = at.button(key=f"{base}_use_theirs").click().run()
    assert not at.exception, at.exception
    assert at.text_area(key=f"{base}_comment").value == "他们的点评"
    assert at.selectbox(key=f"{base}_rating__en").value == "5"
    assert not at.warning


def test_returning_the_review_keeps_a_comment_and_rating_typed_last(
    loaded_db: str,
    log_in_as,
) -> None:
    submit_of1(loaded_db)
    log_in_as("team_leader")
    at = open_reviews(officer="OF1", period=Q2)
    base = "tr_OF1_2025Q2_judging"
    # Typed, rated, and "Return" pressed before leaving the box: all in one run.
    at.text_area(key=f"{base}_comment").input("逾期分析不够")
    at.selectbox(key=f"{base}_rating__en").set_value("2")
    at.text_area(key="tr_return_OF1_2025Q2_note").input("请补充逾期贷款的分析")
    at = [b for b in at.button if b.label == "Return for revision"][0].click().run()
    assert not at.exception, at.exception
    record = stored(loaded_db)
    assert record.status == "returned"
    assert (record.section("judging").comment, record.section("judging").rating) == (
        "逾期分析不够",
        "2",
    )


def test_a_comment_waiting_on_a_conflict_holds_the_return_back(
    loaded_db: str,
    log_in_as,
) -> None:
    submit_of1(loaded_db)
    log_in_as("team_leader")
    at = open_reviews(officer="OF1", period=Q2)
    base = "tr_OF1_2025Q2_judging"
    save_comment(
        engine_of(loaded_db), "team_leader", TEAM, "OF1", Q2, "judging", "另一个标签页的点评",
        "2", 0, TEMPLATE, NOW,
    )  # fmt: skip
    at = at.text_area(key=f"{base}_comment").input("我的点评").run()
    at.text_area(key="tr_return_OF1_2025Q2_note").input("请补充")
    at = [b for b in at.button if b.label == "Return for revision"][0].click().run()
    assert not at.exception, at.exception
    assert stored(loaded_db).status == "submitted"
    assert any("is not saved yet" in e.value for e in at.error)
    assert at.text_area(key=f"{base}_comment").value == "我的点评"
    assert at.text_area(key="tr_return_OF1_2025Q2_note").value == "请补充"


def test_a_link_chooses_the_quarter_and_the_officer(loaded_db: str, log_in_as) -> None:
    log_in_as("team_leader")
    at = open_reviews(officer="OF2", period="2025Q1")
    assert at.selectbox(key="team_reviews_period__en").value == "2025Q1"
    assert "**刘洋** (OF2) · 2025Q1 · **Not started**" in [m.value for m in at.markdown]
    # Choosing another quarter afterwards is not undone by the link.
    at = at.selectbox(key="team_reviews_period__en").set_value("2024Q4").run()
    assert "**刘洋** (OF2) · 2024Q4 · **Not started**" in [m.value for m in at.markdown]


# --- both languages, and who may open the pages -------------------------------------------


def test_speaks_chinese(loaded_db: str, log_in_as) -> None:
    log_in_as("team_leader")
    at = open_team("zh")
    assert at.title[0].value == "团队概览"
    titles = [json.loads(c.proto.spec)["title"]["text"] for c in at.get("vega_lite_chart")]
    assert titles[0] == "回收率"
    assert at.dataframe[0].value.columns.tolist() == ["信贷员", "目标", "数值", "目标值", "状态"]
    assert at.dataframe[0].value.values.tolist()[0][1] == "回收率"
    at = open_reviews("zh")
    assert at.title[0].value == "待辅导的总结"
    assert "尚未提交" in page_text(at)


@pytest.mark.parametrize("role", ["officer", "trainer", "admin"])
def test_other_roles_cannot_open_them(loaded_db: str, log_in_as, role: str) -> None:
    log_in_as(role)
    for page in ("pages/team.py", "pages/team_reviews.py"):
        with pytest.raises(ValueError):
            start_app("en").switch_page(page)


def test_the_printed_review_carries_the_officers_action_items(
    loaded_db: str,
    log_in_as,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import app.reviews.printout
    from core.reviews.actions import add_action

    submit_of1(loaded_db)
    engine = engine_of(loaded_db)
    add_action(
        engine, "tl1", TEAM, "OF1", "每周二回访逾期户", "officer", dt.date(2025, 7, 10), None,
        dt.date(2025, 7, 5),
    )  # fmt: skip
    engine.dispose()
    documents = []
    build = app.reviews.printout.build_document

    def spy(*args, **kwargs):
        documents.append(build(*args, **kwargs))
        return documents[-1]

    monkeypatch.setattr(app.reviews.printout, "build_document", spy)
    log_in_as("team_leader")
    open_reviews(officer="OF1", period=Q2)
    assert documents, "the review's downloads were not offered"
    assert [(a.text, a.owner, a.due, a.status) for a in documents[-1].action_items] == [
        ("每周二回访逾期户", "Officer", "2025-07-10", "open")
    ]
