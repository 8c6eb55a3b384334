"""On random portfolios, the SQL engine equals a plain-Python reading of the spec.

tests/oracle.py implements docs/metrics.md (and shared/spec/metrics.md) literally, loan
by loan; tests/portfolios.py draws portfolios that sit on the definitions' edges. Each
example is imported through the real importer into SQLite and PostgreSQL.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine, text

from core.auth.scope import Scope
from core.metrics.cohorts import compute_cohorts
from core.metrics.officers import compute_officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import Period
from tests import oracle
from tests.builders import write_folder
from tests.db.helpers import do_import
from tests.portfolios import periods, portfolios

TABLES_TO_CLEAR = (
    "time_log",
    "visits",
    "repayments",
    "installments",
    "training_days",
    "loans",
    "borrowers",
    "staff",
    "import_runs",
)
MONEY = {"outstanding_principal", "principal_due", "principal_collected", "disbursed_amount"}
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _load(engine: Engine, tables: oracle.Tables) -> None:
    with engine.begin() as conn:
        for table in TABLES_TO_CLEAR:
            conn.execute(text(f"DELETE FROM {table}"))
    with tempfile.TemporaryDirectory() as folder:
        result = do_import(engine, write_folder(Path(folder), tables))
    assert result.ok, result.problems


def _same(engine_value: object, expected: object, key: str) -> None:
    if expected is None:
        assert engine_value is None, key
    elif key.split()[-1] in MONEY:
        assert engine_value == Decimal(int(expected)) / 100, key  # type: ignore[call-overload]
    elif isinstance(expected, Fraction):
        assert isinstance(engine_value, Decimal), key
        assert abs(Fraction(engine_value) - expected) < Fraction(1, 10**20), key
    else:
        assert engine_value == expected, key


@EXAMPLES
@given(tables=portfolios(), when=periods())
def test_officer_figures_equal_the_oracle(
    engine: Engine, tables: oracle.Tables, when: tuple[Period, MetricParams]
) -> None:
    period, params = when
    _load(engine, tables)
    with engine.connect() as conn:
        cards = {
            c.staff_code: c
            for c in compute_officer_scorecards(conn, Scope.everyone(), period, params)
        }
    officers = [s["staff_code"] for s in tables["staff"] if s["role"] == "officer"]
    assert sorted(cards) == sorted(officers)
    for code in officers:
        expected = oracle.officer_figures(tables, code, period, params)
        figures = cards[code].components.figures()
        for key in oracle.OFFICER_KEYS:
            if key == "time_share":
                shares = figures["time_share"]
                assert isinstance(shares, dict)
                assert set(shares) == set(expected["time_share"]), code  # type: ignore[arg-type]
                for activity, share in expected["time_share"].items():  # type: ignore[attr-defined]
                    _same(shares[activity], share, f"{code} time_share.{activity}")
            elif key == "hours":
                assert Fraction(figures["hours"]) == expected["hours"], code  # type: ignore[arg-type]
            else:
                _same(figures[key], expected[key], f"{code} {key}")


@EXAMPLES
@given(tables=portfolios(), when=periods())
def test_cohort_figures_equal_the_oracle(
    engine: Engine, tables: oracle.Tables, when: tuple[Period, MetricParams]
) -> None:
    period, params = when
    _load(engine, tables)
    with engine.connect() as conn:
        found = {
            c.cohort: c.figures()
            for c in compute_cohorts(conn, Scope.everyone(), period.as_of, params)
        }
    expected = oracle.cohort_figures(tables, period.as_of, params)
    for cohort in ("trained", "untrained"):
        for key in oracle.COHORT_KEYS:
            _same(found[cohort][key], expected[cohort][key], f"{cohort} {key}")


def test_the_property_tests_compare_every_spec_key() -> None:
    assert set(oracle.OFFICER_KEYS) == {
        "active_loans",
        "active_borrowers",
        "outstanding_principal",
        "par1",
        "par30",
        "par90",
        "principal_due",
        "principal_collected",
        "recovery_rate",
        "on_time_rate",
        "disbursed_count",
        "disbursed_amount",
        "first_loans",
        "first_loans_trained",
        "training_compliance",
        "visit_coverage",
        "followups_overdue",
        "hours",
        "time_share",
    }
