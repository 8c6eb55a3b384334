"""Early warning benchmark (issue 17's targets, on the medium demo): fitting the model with
its backtest on every loan, scoring every loan of a day with the kept model, and one
officer's slipping list as the team overview reads it (warm)."""

from __future__ import annotations

import datetime as dt
import time

from bench.metrics import Timing, warm_median
from core.auth.scope import Scope
from core.db.engine import make_engine
from core.warning.params import WarningParams
from core.warning.run import compute_warnings
from core.warning.score import score_day
from core.warning.team import slipping_by_officer

FIT_SECONDS = 60
SCORE_SECONDS = 10
LIST_SECONDS = 1


def measure_warning(database_url: str, officer: str, day: dt.date) -> list[Timing]:
    """The fit (once: it is the import's last step), then warm medians of the rest."""
    engine = make_engine(database_url=database_url)
    warning = WarningParams()
    with engine.connect() as conn:
        started = time.perf_counter()
        run = compute_warnings(conn, day, warning.horizon_days, 5)
        fit_seconds = time.perf_counter() - started

    def score_all() -> object:
        with engine.connect() as conn:
            return score_day(conn, day, run.model, 5)

    def officer_list() -> object:
        with engine.connect() as conn:
            items = score_day(conn, day, run.model, 5, Scope("officer", staff_code=officer))
            return slipping_by_officer(
                conn, Scope("officer", staff_code=officer), day, warning, items
            )

    timings = [
        Timing("early warning: fit and backtest", fit_seconds, FIT_SECONDS),
        Timing("early warning: score every loan", warm_median(score_all), SCORE_SECONDS),
        Timing(
            f"early warning: {officer}'s slipping loans", warm_median(officer_list), LIST_SECONDS
        ),
    ]
    engine.dispose()
    return timings
