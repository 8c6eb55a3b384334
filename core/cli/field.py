"""`python -m core plan` and `python -m core collection-sheet`: an officer's field lists
for a day (docs/metrics.md, "Field lists") as JSON or a terminal table. The command line
reads as an admin does (every officer; phones masked, as for anyone but the officer)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.cli.metrics import SelectionError, select_scopes
from core.field.output import plan_record, plan_table, sheet_record, sheet_table, to_json
from core.field.plan import build_plan
from core.field.sheet import build_collection_sheet
from core.localtime import local_today
from core.metrics.params import MetricParams
from core.metrics.period import parse_date


def add_commands(commands: Any) -> None:
    """Adds the plan and collection-sheet commands to the CLI's subparsers."""
    plan = commands.add_parser("plan", help="an officer's borrowers to see on a day, and why")
    _officer_and_date(plan)
    plan.add_argument("--format", choices=("table", "json"), default="table")
    sheet = commands.add_parser(
        "collection-sheet", help="what each loan should hand over at a meeting day"
    )
    _officer_and_date(sheet)
    sheet.add_argument("--group", metavar="G", help="only this borrower group")
    # The PDF of the sheet is not made yet: argparse refuses any other format by name.
    sheet.add_argument("--format", choices=("table", "json"), default="table")


def _officer_and_date(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--officer", required=True, metavar="CODE", help="the officer's code")
    parser.add_argument("--date", help="YYYY-MM-DD (default: today)")


def _day_and_scope(conn: Connection, args: argparse.Namespace) -> tuple[dt.date, Scope]:
    select_scopes(conn, [args.officer], None)  # an unknown officer is a SelectionError
    return (parse_date(args.date) if args.date else local_today()), Scope.everyone()


def run_plan(conn: Connection, args: argparse.Namespace, params: MetricParams) -> str:
    """Builds and renders the plan the arguments ask for."""
    day, scope = _day_and_scope(conn, args)
    plan = build_plan(conn, scope, args.officer, day, params)
    return to_json(plan_record(plan)) if args.format == "json" else plan_table(plan)


def run_collection_sheet(conn: Connection, args: argparse.Namespace, params: MetricParams) -> str:
    """Builds and renders the collection sheet the arguments ask for."""
    day, scope = _day_and_scope(conn, args)
    sheet = build_collection_sheet(conn, scope, args.officer, day, params, group=args.group)
    return to_json(sheet_record(sheet)) if args.format == "json" else sheet_table(sheet)


__all__ = ["SelectionError", "add_commands", "run_collection_sheet", "run_plan"]
