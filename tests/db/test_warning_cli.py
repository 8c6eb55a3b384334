"""`python -m core warnings` on the small demo cooperative cut at a past day, on both
backends: the JSON of docs/metrics.md, one item for every loan of the population, and a
backtest whose figures an independent computation repeats: the population and outcomes
of each test day from the portfolio's own loan query (core.portfolio.loans), the base
rate, and the AUC of "days late now" by counting pairs per day-late value. The model must
beat that rule on the days after its cut."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from core.db.engine import make_engine
from core.db.sqltext import as_date, run
from core.demo import generate_demo
from core.portfolio.loans import loan_row_params, loan_rows_sql
from core.warning.backtest import month_ends
from tests.builders import ACTIVITIES
from tests.db.test_cli import run_core

END = dt.date(2026, 11, 28)
AS_OF = "2026-09-30"
REASONS = {
    "days_late",
    "paid_late",
    "late_installments",
    "partial_payment",
    "visit_outcome",
    "group_in_arrears",
    "training_days",
    "first_loan",
    "appraisal_grade",
    "officer_arrears",
}


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("warning-demo")
    generate_demo(out, scale="small", seed=1, end=END, activities=ACTIVITIES)
    return out


@pytest.fixture
def demo_url(database_url: str, demo_folder: Path) -> str:
    done = run_core("import", str(demo_folder), database_url=database_url)
    assert done.returncode == 0, done.stderr
    return database_url


def loan_states(url: str, day: dt.date) -> dict[str, tuple[str, int]]:
    """Every loan disbursed by `day`: (status, DPD) from the portfolio's query."""
    engine = make_engine(database_url=url)
    with engine.connect() as conn:
        sql = loan_rows_sql(conn, "s.role = 'officer'")
        rows = run(
            conn, f"{sql} SELECT loan_code, status, dpd FROM loan_rows", loan_row_params(day)
        )
    engine.dispose()
    return {r.loan_code: (r.status, int(r.dpd)) for r in rows}


def written_off(url: str) -> dict[str, dt.date]:
    engine = make_engine(database_url=url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT loan_code, written_off_on FROM loans WHERE written_off_on IS NOT NULL")
        ).all()
    engine.dispose()
    return {code: as_date(day) for code, day in rows}


def counted_auc(pairs: list[tuple[int, bool]]) -> float:
    """AUC of integer scores by counting, per score value, the loans without the outcome
    below it (wins) and at it (ties count half)."""
    with_outcome = Counter(score for score, y in pairs if y)
    without = Counter(score for score, y in pairs if not y)
    positives, negatives = sum(with_outcome.values()), sum(without.values())
    wins = 0.0
    for value, count in with_outcome.items():
        below = sum(n for v, n in without.items() if v < value)
        wins += count * (below + 0.5 * without.get(value, 0))
    return wins / (positives * negatives)


def test_the_json_follows_the_spec_and_the_backtest_repeats_independently(
    demo_url: str,
) -> None:
    done = run_core("warnings", "--as-of", AS_OF, "--format", "json", database_url=demo_url)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert list(record) == ["as_of", "horizon_days", "model", "items"]
    assert record["as_of"] == AS_OF and record["horizon_days"] == 90
    model = record["model"]
    # The last month-end whose 90 days ended by 09-30 is 06-30 (07-31 + 90 is 10-29).
    assert model["fitted_on"][1] == "2026-06-30"
    assert model["kind"] == "logistic" and model["fallback"] is None
    assert model["examples"] > 10_000

    # One item per loan active on the day and under 30 days late, by the portfolio's query.
    day = dt.date.fromisoformat(AS_OF)
    population = {
        code
        for code, (status, dpd) in loan_states(demo_url, day).items()
        if status == "active" and dpd < 30
    }
    items = record["items"]
    assert {i["loan_code"] for i in items} == population and len(items) == len(population)
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True) and 0 <= scores[-1] <= scores[0] <= 1
    for item in items:
        assert set(item) == {"loan_code", "borrower_code", "officer_code", "score", "reasons"}
        assert len(item["reasons"]) <= 3
        assert {r["code"] for r in item["reasons"]} <= REASONS
    assert sum(bool(i["reasons"]) for i in items) > 0

    # The backtest, repeated from the stored model's test days.
    engine = make_engine(database_url=demo_url)
    from core.warning.store import stored_warning

    with engine.connect() as conn:
        kept = stored_warning(conn, 90, day)
    engine.dispose()
    assert kept is not None
    backtest = kept.backtest
    first, last = (dt.date.fromisoformat(d) for d in backtest["tested_on"])
    days = [dt.date.fromordinal(d) for d in month_ends(first.toordinal(), last.toordinal())]
    assert len(days) == 12 and dt.date.fromisoformat(backtest["cut"]) == first
    # Fit only on month-ends whose outcome was known by the cut.
    assert dt.date.fromisoformat(backtest["fitted_on"][1]) + dt.timedelta(days=90) <= first
    offs = written_off(demo_url)
    pairs: list[tuple[int, bool]] = []
    for test_day in days:
        now = loan_states(demo_url, test_day)
        later = loan_states(demo_url, test_day + dt.timedelta(days=90))
        end = test_day + dt.timedelta(days=90)
        for code, (status, dpd) in now.items():
            if status == "active" and dpd < 30:
                outcome = later[code][1] >= 30 or offs.get(code, dt.date.max) <= end
                if later[code][0] == "repaid":
                    outcome = offs.get(code, dt.date.max) <= end
                pairs.append((dpd, outcome))
    outcomes = sum(y for _, y in pairs)
    assert backtest["examples"] == len(pairs)
    assert backtest["outcomes"] == outcomes > 30
    assert backtest["base_rate"] == pytest.approx(outcomes / len(pairs))
    assert backtest["naive_auc"] == pytest.approx(counted_auc(pairs))
    assert model["naive_auc"] == pytest.approx(counted_auc(pairs), abs=1e-4)
    # On the year after the cut the model beats days late now.
    assert backtest["auc"] > backtest["naive_auc"] + 0.02
    assert backtest["top10_capture"] >= backtest["naive_top10_capture"]
    assert [d["decile"] for d in backtest["deciles"]] == list(range(1, 11))
    assert sum(d["outcomes"] for d in backtest["deciles"]) == outcomes
    assert backtest["deciles"][0]["lift"] > 2

    # The first loans kept for the trainers' page: the day's items that are first loans,
    # trained (5+ days) or not, counted per score, from the loans table itself.
    engine = make_engine(database_url=demo_url)
    with engine.connect() as conn:
        first_loans: dict[str, int | None] = dict(
            conn.execute(
                text("SELECT loan_code, training_days FROM loans WHERE is_first_loan")
            ).all()
        )
    engine.dispose()
    expected: dict[str, dict[str, int]] = {"trained": {}, "untrained": {}}
    for item in items:
        if item["loan_code"] in first_loans:
            cohort = "trained" if (first_loans[item["loan_code"]] or 0) >= 5 else "untrained"
            key = f"{item['score']:.4f}"
            expected[cohort][key] = expected[cohort].get(key, 0) + 1
    assert backtest["first_loans"] == expected
    assert sum(expected["trained"].values()) > 0 and sum(expected["untrained"].values()) > 0


def test_one_officer_as_csv_and_the_kept_model_read_again(demo_url: str) -> None:
    args = ("warnings", "--as-of", AS_OF, "--officer", "OF0001")
    first = run_core(*args, "--format", "json", database_url=demo_url)
    again = run_core(*args, "--format", "json", database_url=demo_url)
    assert "fit now" in first.stderr and "model kept on" in again.stderr
    assert json.loads(again.stdout) == json.loads(first.stdout)
    items = json.loads(first.stdout)["items"]
    assert items and {i["officer_code"] for i in items} == {"OF0001"}
    table = run_core(*args, "--format", "csv", database_url=demo_url)
    assert table.returncode == 0, table.stderr
    rows = list(csv.reader(io.StringIO(table.stdout.lstrip("\ufeff"))))
    assert rows[0] == ["loan_code", "borrower_code", "officer_code", "score", "reasons"]
    assert [r[0] for r in rows[1:]] == [i["loan_code"] for i in items]
    unknown = run_core("warnings", "--officer", "NOPE", database_url=demo_url)
    assert unknown.returncode == 1 and "NOPE" in unknown.stderr
    assert "Traceback" not in unknown.stderr
