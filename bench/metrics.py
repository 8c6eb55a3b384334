"""Metrics benchmark: scorecards and cohorts on the imported demo, from a warm process,
beside the same figures computed by DuckDB straight from the demo's CSV files."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.auth.scope import Scope
from core.db.engine import make_engine, write_transaction
from core.metrics.cohorts import BREAKDOWNS, compute_cohort_breakdowns, compute_cohorts
from core.metrics.kept import keep_period, read_kept_scorecards
from core.metrics.kept_cohorts import build_kept_cohorts, cohort_report
from core.metrics.officers import compute_officer_scorecards
from core.metrics.period import parse_period
from core.rules import load_default_rules
from core.rules.findings import judge_officers

REPEATS = 5


@dataclass(frozen=True)
class Timing:
    """The median of several warm runs of one computation, in seconds."""

    label: str
    seconds: float
    target: float | None
    # The DuckDB computation it is compared with (default: the one of the same label).
    compare: str | None = None


def warm_median(work: Callable[[], Any]) -> float:
    """Runs `work` once to warm caches, then REPEATS times; the median wall time."""
    work()
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure_engine(
    database_url: str, period_text: str, as_of: dt.date, officer: str
) -> list[Timing]:
    """One officer's scorecard, all officers, and cohorts, on the given database."""
    engine = make_engine(database_url=database_url)
    rules = load_default_rules()
    period = parse_period(period_text, as_of=as_of)

    def scorecards(scope: Scope) -> Callable[[], Any]:
        def run() -> Any:
            with engine.connect() as conn:
                cards = compute_officer_scorecards(conn, scope, period, rules.params)
            return judge_officers(rules, cards)

        return run

    def kept_scorecards() -> Any:
        with engine.connect() as conn:
            cards = read_kept_scorecards(conn, Scope.everyone(), period, rules.params)
        assert cards is not None
        return judge_officers(rules, cards)

    def cohorts() -> Any:
        with engine.connect() as conn:
            return compute_cohorts(conn, Scope.everyone(), as_of, rules.params)

    # The quarter measured is a standard period while the last quarter is its quarter;
    # kept here in any case, as an import would have. The cohorts likewise, as of the day
    # measured (an import keeps today's).
    with write_transaction(engine) as conn:
        keep_period(conn, period, rules.params)
        build_kept_cohorts(conn, rules.params, today=as_of)

    def kept_cohort_report() -> Any:
        with engine.connect() as conn:
            return cohort_report(
                conn, Scope.everyone(), as_of, rules.params, BREAKDOWNS, vintage=True, by_days=True
            )

    def cohorts_broken_down() -> Any:
        with engine.connect() as conn:
            return compute_cohort_breakdowns(
                conn, Scope.everyone(), as_of, rules.params, [None, "quarter", "branch"]
            )

    timings = [
        Timing(
            "one officer's scorecard",
            warm_median(scorecards(Scope("officer", staff_code=officer))),
            0.2,
        ),
        Timing("all officers' scorecards", warm_median(scorecards(Scope.everyone())), 2.0),
        Timing(
            "all officers' scorecards, kept components",
            warm_median(kept_scorecards),
            1.0,
            compare="all officers' scorecards",
        ),
        Timing("cohorts", warm_median(cohorts), 2.0),
        Timing(
            "cohorts with breakdowns by quarter and branch", warm_median(cohorts_broken_down), 2.0
        ),
        Timing(
            "the cohort page's report, kept (4 breakdowns, curves, buckets)",
            warm_median(kept_cohort_report),
            1.0,
            compare="cohorts",
        ),
    ]
    # Put back what an import keeps, today's cohorts: the pages are timed after this, and a
    # trainer's first page read the cohorts of 09-30 as missing and computed them live (a
    # large run's trainer login timed out on it).
    with write_transaction(engine) as conn:
        build_kept_cohorts(conn, rules.params)
    engine.dispose()
    return timings


def measure_duckdb(
    folder: Path, period_text: str, as_of: dt.date, officer: str
) -> list[Timing] | None:
    """The same three computations in DuckDB from the CSV files (None if unavailable)."""
    try:
        from bench import duckdb_metrics
    except ImportError:
        return None
    con = duckdb_metrics.load(folder)
    period = parse_period(period_text, as_of=as_of)

    def officers(codes: list[str] | None) -> Callable[[], Any]:
        return lambda: duckdb_metrics.officer_figures(
            con, period.start, period.end, period.as_of, officers=codes
        )

    return [
        Timing("one officer's scorecard", warm_median(officers([officer])), None),
        Timing("all officers' scorecards", warm_median(officers(None)), None),
        Timing("cohorts", warm_median(lambda: duckdb_metrics.cohort_figures(con, as_of)), None),
    ]


def cross_check(database_url: str, folder: Path, period_text: str, as_of: dt.date) -> str:
    """Compares every figure of the engine with DuckDB's independent implementation."""
    try:
        from bench import duckdb_metrics
    except ImportError:
        return "DuckDB is not installed: no cross-check"
    engine = make_engine(database_url=database_url)
    rules = load_default_rules()
    period = parse_period(period_text, as_of=as_of)
    with engine.connect() as conn:
        cards = compute_officer_scorecards(conn, Scope.everyone(), period, rules.params)
        cohorts = {
            c.cohort: c.figures()
            for c in compute_cohorts(conn, Scope.everyone(), as_of, rules.params)
        }
    engine.dispose()
    con = duckdb_metrics.load(folder)
    duck = duckdb_metrics.officer_figures(con, period.start, period.end, period.as_of)
    duck_cohorts = duckdb_metrics.cohort_figures(con, as_of)
    differences = []
    for card in cards:
        ours = card.components.figures()
        for key, value in duck[card.staff_code].items():
            if key != "time_share" and key in ours and not _equal(ours[key], value):
                differences.append(f"{card.staff_code} {key}: {ours[key]} != {value}")
    for cohort, values in duck_cohorts.items():
        for key, value in values.items():
            if key in cohorts[cohort] and not _equal(cohorts[cohort][key], value):
                differences.append(f"{cohort} {key}: {cohorts[cohort][key]} != {value}")
    if differences:
        return f"{len(differences)} figures differ from DuckDB, e.g. {differences[:3]}"
    return (
        f"Cross-check: every figure of all {len(cards)} officers and of both cohorts equals "
        "DuckDB's independent implementation."
    )


def _equal(ours: Any, theirs: Any) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    return abs(Decimal(ours) - Decimal(theirs)) < Decimal("1e-9")
