"""`python -m core plan` and `python -m core collection-sheet`: an officer's field lists
for a day (docs/metrics.md, "Field lists") as JSON or a terminal table, and collection
sheets as a PDF to print: one officer's, or with --branch every officer's of a branch in
one file. The command line reads as an admin does (every officer; phones masked, as for
anyone but the officer)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.cli.metrics import SelectionError, select_scopes
from core.db.sqltext import run
from core.field.output import plan_record, plan_table, sheet_record, sheet_table, to_json
from core.field.plan import build_plan
from core.field.sheet import build_collection_sheet
from core.field.sheet_pdf import PrintedSheet, collection_sheets_pdf
from core.localtime import local_today
from core.metrics.params import MetricParams
from core.metrics.period import parse_date


class OutputError(ValueError):
    """A command's arguments do not fit together, or its output file cannot be written."""


def add_commands(commands: Any) -> None:
    """Adds the plan and collection-sheet commands to the CLI's subparsers."""
    plan = commands.add_parser("plan", help="an officer's borrowers to see on a day, and why")
    plan.add_argument("--officer", required=True, metavar="CODE", help="the officer's code")
    _date(plan)
    plan.add_argument("--format", choices=("table", "json"), default="table")
    sheet = commands.add_parser(
        "collection-sheet", help="what each loan should hand over at a meeting day"
    )
    who = sheet.add_mutually_exclusive_group(required=True)
    who.add_argument("--officer", metavar="CODE", help="the officer's code")
    who.add_argument(
        "--branch", metavar="B", help="every officer of branch B, in one PDF (--format pdf)"
    )
    _date(sheet)
    sheet.add_argument("--group", metavar="G", help="only this borrower group")
    sheet.add_argument("--format", choices=("table", "json", "pdf"), default="table")
    sheet.add_argument("--out", type=Path, metavar="FILE", help="write to FILE (required for pdf)")
    sheet.add_argument(
        "--language", choices=("en", "zh"), default="en", help="the PDF's words (default en)"
    )


def _date(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", help="YYYY-MM-DD (default: today)")


def usage_problem(args: argparse.Namespace) -> str | None:
    """Why the collection-sheet arguments do not fit together (None: they do)."""
    if args.format == "pdf" and args.out is None:
        return "--format pdf needs --out FILE (a PDF is not written to the terminal)"
    if args.branch is not None and args.format != "pdf":
        return "--branch writes one PDF: add --format pdf --out FILE"
    return None


def _day(args: argparse.Namespace) -> dt.date:
    return parse_date(args.date) if args.date else local_today()


def _day_and_scope(conn: Connection, args: argparse.Namespace) -> tuple[dt.date, Scope]:
    select_scopes(conn, [args.officer], None)  # an unknown officer is a SelectionError
    return _day(args), Scope.everyone()


def run_plan(conn: Connection, args: argparse.Namespace, params: MetricParams) -> str:
    """Builds and renders the plan the arguments ask for."""
    day, scope = _day_and_scope(conn, args)
    plan = build_plan(conn, scope, args.officer, day, params)
    return to_json(plan_record(plan)) if args.format == "json" else plan_table(plan)


def _officers(conn: Connection, args: argparse.Namespace) -> list[tuple[str, str]]:
    """(code, name) of the officers whose sheets the arguments ask for, by code."""
    if args.branch is None:
        select_scopes(conn, [args.officer], None)  # an unknown officer is a SelectionError
        where, bound = "s.staff_code = :officer", {"officer": args.officer}
    else:
        where, bound = "s.branch = :branch", {"branch": args.branch}
    rows = run(
        conn,
        f"""SELECT s.staff_code, s.name FROM staff s WHERE s.role = 'officer' AND {where}
            ORDER BY s.staff_code""",
        bound,
    )
    if not rows:
        raise SelectionError(f"no officer in branch {args.branch!r}")
    return [(r.staff_code, r.name) for r in rows]


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from error


def run_collection_sheet(conn: Connection, args: argparse.Namespace, params: MetricParams) -> str:
    """Builds the collection sheets the arguments ask for: the rendered text to print, or
    (with --out) writes the file and returns a line saying what it holds."""
    day, scope = _day(args), Scope.everyone()
    officers = _officers(conn, args)
    # One query per officer (the sheet's), never one per borrower: a branch of 20
    # officers is 20 queries.
    sheets = [
        PrintedSheet(build_collection_sheet(conn, scope, code, day, params, group=args.group), name)
        for code, name in officers
    ]
    if args.format == "pdf":
        if args.branch is not None:
            # A branch manager prints what there is to collect, not empty pages.
            sheets = [p for p in sheets if p.sheet.groups] or sheets[:1]
        data = collection_sheets_pdf(sheets, args.language)
        _write(args.out, data)
        groups = sum(len(p.sheet.groups) for p in sheets)
        return (
            f"Collection sheets for {day}: {len(sheets)} officer(s), {groups} group(s), "
            f"written to {args.out}"
        )
    sheet = sheets[0].sheet
    text = to_json(sheet_record(sheet)) if args.format == "json" else sheet_table(sheet)
    if args.out is not None:
        _write(args.out, (text if text.endswith("\n") else text + "\n").encode("utf-8"))
        return f"Collection sheet of {sheet.officer_code} for {day} written to {args.out}"
    return text


__all__ = [
    "OutputError",
    "SelectionError",
    "add_commands",
    "run_collection_sheet",
    "run_plan",
    "usage_problem",
]
