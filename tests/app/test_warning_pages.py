"""The early warning on screen: the plan's Slipping reason with the loan's chance and its
reasons in words, the borrower page's scores, and the admin's "How far to trust the
warning" (from a model kept by hand, so every figure shown is known), in English and
Chinese.

tests/field_portfolio.py is too small to fit a model: the import keeps the documented
points. On 2025-05-02 they call OF1's L1 slipping: 1 day late, installment 2 paid 4 days
late, a third of the last 3 months' principal unpaid, B2 of its group late, and OF1's
other loan late too."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import text

from core.db.engine import make_engine, write_transaction
from core.warning.features import FEATURES
from core.warning.model import Model
from core.warning.run import WarningRun
from core.warning.store import store_warning
from tests.app.conftest import app_database, elements, import_tables, open_page, texts
from tests.field_portfolio import field_portfolio

DAY = dt.date(2025, 5, 2)
SLIPPING = re.compile(r"L1 · (\d+(?:\.\d)?)% chance of 30\+ days late: (.+)")


@pytest.fixture
def field_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("app.clock.today", lambda: DAY)
    return app_database(tmp_path, monkeypatch, import_tables(field_portfolio()))


def test_the_plan_calls_a_loan_slipping_and_says_why(field_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page("pages/plan.py")
    # A link to the borrower's page with the loan open; its label is escaped Markdown (a
    # person's text never formats): read it unescaped.
    warned = [link for link in elements(at.main, "page_link") if "trending_down" in link.proto.icon]
    assert [link.proto.query_string for link in warned] == ["code=B1&loan=L1"]
    lines = [link.proto.label.replace("\\", "") for link in warned]
    assert len(lines) == 1
    found = SLIPPING.search(lines[0])
    assert found, lines[0]
    assert float(found.group(1)) >= 30  # warning_threshold
    reasons = found.group(2).split("; ")
    assert "paid 4 days late lately" in reasons
    assert len(reasons) == 3
    zh = open_page("pages/plan.py", "zh")
    line = next(
        link.proto.label.replace("\\", "")
        for link in elements(zh.main, "page_link")
        if "trending_down" in link.proto.icon
    )
    assert "的可能逾期30天以上：" in line and "风险预警" in texts(zh)
    assert "近期有一期晚还4天" in line or "该信贷员名下" in line


def test_the_borrower_page_scores_each_active_loan(field_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page("pages/borrower.py", code="B1")
    assert "Early warning" in [s.value for s in at.subheader]
    bold = [m.value for m in at.markdown if m.value.startswith("**L1:")]
    assert len(bold) == 1 and bold[0].endswith("— slipping**")
    reasons = "Paid 4 days late lately; 67.0% of the officer’s loans late; 2 installments late"
    assert reasons in texts(at)
    # A borrower without an active loan gets no section.
    repaid = open_page("pages/borrower.py", code="B4")
    assert "Early warning" not in [s.value for s in repaid.subheader]


def kept_run() -> WarningRun:
    """A model and backtest written by hand: days late and an unwilling visit weigh."""
    weights = tuple(
        {"days_late": 0.8, "visit_unwilling": 0.3, "first_loan": -0.1}.get(f, 0.0) for f in FEATURES
    )
    model = Model(
        "logistic", -4.0, weights, tuple(0.0 for _ in FEATURES), tuple(1.0 for _ in FEATURES)
    )
    deciles = [
        {
            "decile": n,
            "loans": 100,
            "outcomes": max(0, 12 - 2 * n),
            "mean_score": 0.2 / n,
            "rate": max(0, 12 - 2 * n) / 100,
            "lift": max(0, 12 - 2 * n) / 100 / 0.03,
        }
        for n in range(1, 11)
    ]
    backtest = {
        "possible": True,
        "cut": "2024-06-30",
        "fitted_on": ["2023-01-31", "2024-03-31"],
        "tested_on": ["2024-06-30", "2025-05-31"],
        "examples": 1000,
        "outcomes": 30,
        "base_rate": 0.03,
        "auc": 0.8125,
        "naive_auc": 0.7,
        "top10_capture": 0.4,
        "naive_top10_capture": 0.3,
        "deciles": deciles,
        "branches": [
            {"branch": "城关支行", "examples": 600, "outcomes": 20, "auc": 0.83, "naive_auc": 0.71},
            {"branch": "河口支行", "examples": 400, "outcomes": 10, "auc": None, "naive_auc": None},
        ],
    }
    summary = {
        "kind": "logistic",
        "fitted_on": ["2023-01-31", "2025-02-28"],
        "examples": 12345,
        "base_rate": 0.025,
        "backtest_auc": 0.8125,
        "naive_auc": 0.7,
        "top10_capture": 0.4,
        "fallback": None,
    }
    return WarningRun(dt.date(2025, 5, 31), 90, model, summary, backtest, [])


def test_the_admin_sees_how_far_to_trust_the_warning(field_db: str, log_in_as) -> None:
    engine = make_engine(database_url=field_db)
    with write_transaction(engine) as conn:
        conn.execute(text("DELETE FROM warning_models"))  # the import's: the points
        store_warning(conn, kept_run(), 5, 1)
    engine.dispose()
    log_in_as("admin")
    at = open_page("pages/warning_trust.py")
    assert at.title[0].value == "How far to trust the warning"
    metrics = {m.label: (m.value, m.proto.delta) for m in at.metric}
    assert metrics == {
        "Warning AUC": ("0.81", "+0.11"),
        "Days late now AUC": ("0.70", ""),
        "Caught by the top 10%": ("40.0%", ""),
    }
    shown = texts(at)
    assert "12,345 examples" in shown and "2023-01-31 to 2025-02-28" in shown
    assert "2.5% of them went 30+ days late" in shown
    assert "clearly beats days late now" in shown
    table = at.dataframe[0].value
    assert table["Branch"].tolist() == ["城关支行", "河口支行"]
    assert table["Warning AUC"].tolist() == ["0.83", "—"]
    weights = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert weights[:3] == [
        "- Days late now: raises the risk strongly (+0.80)",
        "- Last visit found the borrower unwilling to pay: raises the risk (+0.30)",
        "- First loan: lowers the risk slightly (-0.10)",
    ]
    assert len(weights) == len(FEATURES)
    assert len(at.get("vega_lite_chart")) == 2
    zh = open_page("pages/warning_trust.py", "zh")
    assert zh.title[0].value == "预警可信度"
    assert "在从未见过的日子上，预警明显胜过" in texts(zh)


def test_before_any_model_the_page_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_in_as
) -> None:
    app_database(tmp_path, monkeypatch, lambda engine, folder: None)
    log_in_as("admin")
    at = open_page("pages/warning_trust.py")
    assert "No early warning is fit yet" in texts(at)


def test_the_team_overview_lists_each_officer_s_slipping_loans(field_db: str, log_in_as) -> None:
    log_in_as("team_leader")
    at = open_page("pages/team.py")
    assert "Slipping loans" in [s.value for s in at.subheader]
    assert "**张伟** · OF1: 1 slipping, 1 not visited" in texts(at)
    warned = [
        (link.proto.label.replace("\\", ""), link.proto.query_string)
        for link in elements(at.main, "page_link")
        if link.proto.query_string.endswith("loan=L1")
    ]
    assert warned == [("赵一 · B1 · L1 · 33.5%", "code=B1&loan=L1")]
    # Why, and the last visit, wrap under the link (a link's text does not wrap on a
    # phone). B1 was last visited on 04-03: more than 14 days before 05-02.
    assert (
        "Paid 4 days late lately; 67.0% of the officer’s loans late; 2 installments late in "
        "6 months · not visited in 14 days (last visit 3 Apr 2025)"
    ) in [c.value.replace("\\", "") for c in at.caption]
    zh = open_page("pages/team.py", "zh")
    assert "**张伟** · OF1：1笔正在变坏，1笔未走访" in texts(zh)


def test_my_quarter_judges_the_slipping_loans_not_visited(field_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page("pages/my_quarter.py")
    metrics = {m.label: m.value for m in at.metric}
    # L1 slipping on 05-02, its borrower B1 last visited on 04-03 (over 14 days before).
    assert metrics["Slipping loans not visited"] == "1"
    assert ":orange[**Warning**]: 1 · goal 0" in texts(at)
    label = "Slipping loans whose borrower has had no visit in the last 14 days (1)"
    assert label in [e.label for e in at.expander]
    assert "[L1](borrower?code=B1&loan=L1) 赵一" in texts(at)
    zh = open_page("pages/my_quarter.py", "zh")
    assert {m.label: m.value for m in zh.metric}["预警贷款未走访"] == "1"
    assert "有风险预警、近14天内借款人未被走访的贷款（1）" in [e.label for e in zh.expander]


def test_a_visit_clears_the_slipping_rule_and_the_review_shows_it(field_db: str) -> None:
    from core.metrics.period import parse_period
    from core.reviews.evidence import build_evidence
    from core.rules.loader import load_default_rules

    engine = make_engine(database_url=field_db)
    rules = load_default_rules()
    period = parse_period("2025Q2", today=DAY)
    with engine.connect() as conn:
        before = build_evidence(conn, "OF1", "2025Q2", period, rules)
    assert before is not None
    assert before.figures["slipping_unvisited"] == "1"
    finding = before.findings["slipping_unvisited"]
    assert (finding.status, finding.value) == ("warning", "1")
    # A visit to B1 on the day: the loan is still slipping, but no longer unvisited.
    with write_transaction(engine) as conn:
        conn.execute(
            text(
                "INSERT INTO visits (borrower_id, officer_id, visited_on, purpose, outcome)"
                " SELECT b.id, s.id, :day, 'follow_up', 'promised' FROM borrowers b, staff s"
                " WHERE b.borrower_code = 'B1' AND s.staff_code = 'OF1'"
            ),
            {"day": DAY},
        )
    with engine.connect() as conn:
        after = build_evidence(conn, "OF1", "2025Q2", period, rules)
    assert after is not None and after.figures["slipping_unvisited"] == "0"
    assert after.findings["slipping_unvisited"].status == "met"


def test_trainers_see_the_warning_beside_the_cohorts(field_db: str, log_in_as) -> None:
    import dataclasses

    run = kept_run()
    first_loans = {"trained": {"0.1000": 2, "0.3000": 1}, "untrained": {"0.5000": 1}}
    engine = make_engine(database_url=field_db)
    with write_transaction(engine) as conn:
        # The import's fit is for the real today, after the page's 2025-05-02.
        conn.execute(text("DELETE FROM warning_models"))
        earlier = dataclasses.replace(
            run, as_of=dt.date(2025, 4, 30), backtest={**run.backtest, "first_loans": first_loans}
        )
        store_warning(conn, earlier, 5, 1)
    log_in_as("trainer")
    at = open_page("pages/cohorts.py")
    assert "The early warning: trained and untrained first loans" in [s.value for s in at.subheader]
    assert any("30 Apr 2025" in c.value for c in at.caption)
    metrics = [(m.label, m.value) for m in at.metric if m.label != "First loans"]
    warned = [
        m
        for m in metrics
        if m[0] in ("First loans scored", "Mean chance of 30+ days late", "Slipping")
    ]
    # Trained: 3 loans, (0.2 + 0.3) / 3 = 16.7%, one at 30%; untrained: 1 loan at 50%.
    assert warned == [
        ("First loans scored", "3"),
        ("Mean chance of 30+ days late", "16.7%"),
        ("Slipping", "1 (33.3%)"),
        ("First loans scored", "1"),
        ("Mean chance of 30+ days late", "50.0%"),
        ("Slipping", "1 (100.0%)"),
    ]
    zh = open_page("pages/cohorts.py", "zh")
    assert "风险预警：培训达标与未达标的首次贷款" in [s.value for s in zh.subheader]
    assert ("正在变坏", "1笔（33.3%）") in [(m.label, m.value) for m in zh.metric]


def test_before_any_fit_the_cohorts_page_says_so(field_db: str, log_in_as) -> None:
    log_in_as("trainer")
    at = open_page("pages/cohorts.py")  # the import's fit is dated after 2025-05-02
    assert "No early warning is kept for 2 May 2025 or before" in texts(at)
