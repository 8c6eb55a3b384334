"""`python -m core warnings`: the early warning for a day (docs/metrics.md, "Early
warning"): every loan of the day's population with its score and reasons, and how far the
model can be trusted. The command line reads as an admin does (every officer)."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import Engine

from core.cli.metrics import select_scopes
from core.db.engine import read_data_version
from core.localtime import local_today
from core.metrics.period import parse_date
from core.warning.output import warning_csv, warning_json, warning_record, warning_table
from core.warning.score import score_day
from core.warning.store import keep_warning, stored_warning


def add_commands(commands: Any) -> None:
    """Adds the warnings command to the CLI's subparsers."""
    warn = commands.add_parser(
        "warnings", help="which loans are slipping: a score and reasons for every active loan"
    )
    warn.add_argument("--as-of", metavar="D", help="YYYY-MM-DD (default: today)")
    warn.add_argument(
        "--horizon", type=_days, metavar="H", help="days ahead (default: warning_horizon_days)"
    )
    warn.add_argument(
        "--officer", action="append", default=[], metavar="CODE", help="only this officer's loans"
    )
    warn.add_argument("--format", choices=("table", "json", "csv"), default="table")
    warn.add_argument(
        "--fit", action="store_true", help="fit the model again even if one is kept for the day"
    )


class WarningRaced(RuntimeError):
    """The data changed while the model was being fit, so nothing was kept."""


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of days, 1 or more, not {text!r}")
    return days


def run_warnings(
    engine: Engine, args: argparse.Namespace, horizon_days: int, min_training_days: int
) -> tuple[str, str]:
    """The rendered warning and a line for the terminal's error stream saying whether the
    model was fit now or read from the database."""
    as_of = parse_date(args.as_of) if args.as_of else local_today()
    horizon = args.horizon or horizon_days
    with engine.connect() as conn:
        select_scopes(conn, args.officer, None)  # an unknown officer is a SelectionError
        version = read_data_version(conn)
        stored = stored_warning(conn, horizon, as_of)
    current = (
        stored is not None
        and stored.built_version == version
        and stored.min_training_days == min_training_days
    )
    if current and not args.fit:
        assert stored is not None
        with engine.connect() as conn:
            items = score_day(conn, as_of, stored.model, min_training_days)
        summary, note = stored.summary, f"model kept on {stored.built_at:%Y-%m-%d %H:%M} UTC"
    else:
        run = keep_warning(engine, as_of, horizon, min_training_days)
        if run is None:  # the data changed while it was fit: nothing kept, fit again
            raise WarningRaced("the data changed while the model was fit: run the command again")
        items, summary, note = run.items, run.summary, "model fit now and kept"
    wanted = set(args.officer)
    if wanted:
        items = [item for item in items if item.officer_code in wanted]
    record = warning_record(as_of, horizon, summary, items)
    if args.format == "json":
        return warning_json(record), note
    if args.format == "csv":
        return warning_csv(record).decode("utf-8"), note
    return warning_table(record), note
