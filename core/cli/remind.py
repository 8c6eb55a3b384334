"""`python -m core remind`: send the day's digests (core/notify/remind.py). Run it each
morning from cron or a systemd timer (README, "Daily digests"); running it twice sends
nothing twice."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import Engine

from core.admin.active_config import active_rules_and_template
from core.exports.textable import render_table
from core.localtime import local_today
from core.metrics.period import parse_date
from core.notify.config import load_notify_settings
from core.notify.remind import Outcome, run_reminders
from core.settings import load_settings


def add_commands(commands: Any) -> None:
    """Adds the remind command to the CLI's subparsers."""
    remind = commands.add_parser(
        "remind", help="send each person's daily digest by e-mail and/or group robot"
    )
    remind.add_argument("--date", metavar="D", help="the day, YYYY-MM-DD (default: today)")
    remind.add_argument(
        "--dry-run", action="store_true", help="list who would get a digest; send nothing"
    )


def run(engine: Engine, args: argparse.Namespace) -> tuple[str, bool]:
    """Sends (or lists) the digests; returns the table to print and whether any failed."""
    day = parse_date(args.date) if args.date else local_today()
    settings = load_notify_settings()
    rules, template = active_rules_and_template(engine, load_settings().config_dir)
    outcomes = run_reminders(engine, day, settings, rules, template.due_days, dry_run=args.dry_run)
    return report(day.isoformat(), outcomes), any(o.state == "failed" for o in outcomes)


def report(day: str, outcomes: list[Outcome]) -> str:
    """One line per person and channel, then the counts."""
    if not outcomes:
        return f"{day}: nobody has a digest with an address (see `users set-contact`)."
    rows = [(o.username, o.channel, o.state, o.error or "") for o in outcomes]
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.state] = counts.get(outcome.state, 0) + 1
    summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
    return render_table(["username", "channel", "state", "error"], rows) + f"\n{day}: {summary}"
