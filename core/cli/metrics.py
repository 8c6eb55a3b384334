"""`python -m core metrics` and `python -m core cohorts`: the figures on the terminal,
as JSON or as CSV. The screens call the same functions, so the two never differ."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.localtime import local_today
from core.metrics.cohort_output import (
    cohorts_csv,
    cohorts_json,
    cohorts_table,
    training_days_csv,
    vintage_csv,
)
from core.metrics.cohort_report import DEFAULT_BREAKDOWNS, build_cohort_report
from core.metrics.cohorts import BREAKDOWNS
from core.metrics.officers import compute_officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import PeriodError, parse_date, parse_period
from core.metrics.report import (
    group_record,
    metrics_csv,
    metrics_json,
    metrics_table,
    officer_record,
)
from core.metrics.scorecard import OfficerScorecard, group_scorecards
from core.rules import RuleSet
from core.rules.findings import finding_record, judge_groups, judge_officers

FORMATS = ("table", "json", "csv")


def add_commands(commands: Any) -> None:
    """Adds the metrics and cohorts commands to the CLI's subparsers."""
    metrics = commands.add_parser("metrics", help="officer, team and branch figures")
    metrics.add_argument(
        "--period",
        required=True,
        help="a quarter (2026Q3), a month (2026-08) or a range (2026-07-01:2026-09-30)",
    )
    metrics.add_argument("--as-of", help="YYYY-MM-DD (default: the period's end or today)")
    metrics.add_argument(
        "--officer",
        action="append",
        default=[],
        metavar="CODE",
        help="only this officer (repeatable)",
    )
    metrics.add_argument("--team", help="only the officers of this team")
    metrics.add_argument("--format", choices=FORMATS, default="table")

    commands.add_parser(
        "keep-figures",
        help="compute every officer's figures for the current and the last quarter, and the "
        "cohorts and each loan's portfolio figures as of today, and keep them (an import "
        "does it; run it nightly so that the first page of a day is fast)",
    )

    cohorts = commands.add_parser("cohorts", help="trained versus untrained first loans")
    cohorts.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    cohorts.add_argument(
        "--by",
        action="append",
        choices=BREAKDOWNS,
        default=[],
        help="break the cohorts down (repeatable; default: quarter and branch)",
    )
    cohorts.add_argument(
        "--vintage", action="store_true", help="share of principal 30+ days late by month on book"
    )
    cohorts.add_argument(
        "--by-days", action="store_true", help="first loans and ever-30 rate by training days"
    )
    cohorts.add_argument("--format", choices=FORMATS, default="table")


class SelectionError(ValueError):
    """An officer or team named on the command line does not exist."""


def select_scopes(conn: Connection, officers: list[str], team: str | None) -> list[Scope]:
    """The scopes covering the officers and team asked for (everyone when none)."""
    from sqlalchemy import text

    if not officers and not team:
        return [Scope.everyone()]
    scopes = []
    known = {
        code: (branch, team_name)
        for code, branch, team_name in conn.execute(
            text("SELECT staff_code, branch, team FROM staff WHERE role = 'officer'")
        )
    }
    for code in officers:
        if code not in known:
            raise SelectionError(f"no officer with staff_code {code!r}")
        scopes.append(Scope("officer", staff_code=code))
    if team:
        branches = sorted({b for b, t in known.values() if t == team})
        if not branches:
            raise SelectionError(f"no team named {team!r}")
        scopes += [Scope("team", branch=b, team=team) for b in branches]
    return scopes


def run_metrics(
    conn: Connection, args: argparse.Namespace, rules: RuleSet, activities: list[str]
) -> str:
    """Computes, judges and renders the figures the arguments ask for."""
    params = rules.params
    as_of = parse_date(args.as_of) if args.as_of else None
    period = parse_period(args.period, as_of=as_of)
    cards: dict[str, OfficerScorecard] = {}
    for scope in select_scopes(conn, args.officer, args.team):
        for card in compute_officer_scorecards(conn, scope, period, params):
            cards[card.staff_code] = card
    ordered = sorted(cards.values(), key=lambda c: (c.branch, c.team or "", c.staff_code))
    findings = judge_officers(rules, ordered)
    officers = [
        officer_record(c, [finding_record(f) for f in findings[c.staff_code]]) for c in ordered
    ]
    teams = _judged_groups(rules, ordered, "team")
    branches = _judged_groups(rules, ordered, "branch")
    everyone = group_scorecards(ordered, "cooperative")
    cooperative = group_record(everyone[0]) if everyone else {}
    if args.format == "json":
        return metrics_json(period, vars(params), officers, teams, branches, cooperative)
    if args.format == "csv":
        return metrics_csv(officers, activities)
    return metrics_table(
        period, officers, [*teams, *branches, *([cooperative] if cooperative else [])]
    )


def _judged_groups(
    rules: RuleSet, cards: list[OfficerScorecard], kind: str
) -> list[dict[str, Any]]:
    # Team and branch rules judge the sums of the officers selected (all by default).
    return [
        group_record(judged.group, [finding_record(f) for f in judged.findings])
        for judged in judge_groups(rules, cards, kind)
    ]


def run_cohorts(conn: Connection, args: argparse.Namespace, params: MetricParams) -> str:
    """Computes and renders the cohort comparison (and the curves and buckets asked for)."""
    as_of = parse_date(args.as_of) if args.as_of else local_today()
    if args.format == "csv" and args.vintage and args.by_days:
        raise SelectionError("--format csv prints one table: ask for --vintage or --by-days")
    report = build_cohort_report(
        conn,
        Scope.everyone(),
        as_of,
        params,
        breakdowns=tuple(dict.fromkeys(args.by)) or DEFAULT_BREAKDOWNS,
        vintage=args.vintage,
        by_days=args.by_days,
    )
    if args.format == "json":
        return cohorts_json(report)
    if args.format == "csv":
        if args.vintage:
            return vintage_csv(report)
        return training_days_csv(report) if args.by_days else cohorts_csv(report)
    return (
        f"Cohorts of first loans disbursed on or before {as_of}; trained = at least "
        f"{params.min_training_days} training days; groups of fewer than "
        f"{params.min_cohort_size} first loans are too few to compare; intervals are 95%. "
        "Not a controlled experiment: borrowers who train longer may differ in other ways."
        "\n\n" + cohorts_table(report)
    )


def write_out(text: str) -> None:
    """Prints the rendered figures (CSV keeps its byte-order mark for spreadsheets)."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


__all__ = ["PeriodError", "SelectionError", "add_commands", "run_cohorts", "run_metrics"]
