"""`python -m core ...`: the command line. Every command brings the database to the
current schema first, so it works on a new, empty or older database file."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from core.admin.active_config import active_rules, active_text, read_active_versions
from core.admin.backup import BackupError, backup, default_backup_path, record_backup, restore
from core.admin.models import CONFIG_FILES
from core.auth.passwords import PasswordError
from core.auth.users import UserError
from core.cli import config as cli_config
from core.cli import field as cli_field
from core.cli import metrics as cli_metrics
from core.cli import remind as cli_remind
from core.cli import users as cli_users
from core.cli import warnings as cli_warnings
from core.cli.metrics import SelectionError
from core.cli.progress import TerminalProgress
from core.config.lists import ConfigError, load_activities
from core.db.engine import DatabaseError, describe, make_engine
from core.db.errors import is_disk_full
from core.db.schema import ensure_schema
from core.exports.pdf_common import ExportError
from core.importer import UnreadableInput, run_import
from core.importer.report import (
    render_problems,
    render_summary,
    render_warnings,
    write_problem_csv,
)
from core.localtime import local_today
from core.metrics.kept import keep_figures
from core.metrics.kept_cohorts import keep_cohorts
from core.metrics.period import PeriodError
from core.portfolio.kept_rows import keep_loan_rows
from core.rules import RuleSet, check_config_text, load_rules
from core.settings import SettingsError, load_settings
from core.warning.store import keep_warning

if TYPE_CHECKING:
    from sqlalchemy import Engine

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command (the README documents each one)."""
    parser = argparse.ArgumentParser(prog="python -m core", description=__doc__)
    parser.add_argument("--debug", action="store_true", help="show tracebacks of bugs")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    imp = commands.add_parser("import", help="import core-banking CSV files or a workbook")
    imp.add_argument("path", type=Path, help="a folder of CSV files, one CSV file or an .xlsx")
    imp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    imp.add_argument(
        "--report", type=Path, metavar="FILE", help="also write every problem to this CSV file"
    )
    imp.add_argument(
        "--max-problems",
        type=int,
        default=1000,
        metavar="N",
        help="show at most N problems on screen (default 1000)",
    )

    demo = commands.add_parser("demo", help="generate and import the demo cooperative")
    demo.add_argument("--scale", choices=["small", "medium", "large"], default="small")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--out", type=Path, help="folder for the CSV files (default: a temp dir)")
    demo.add_argument(
        "--end",
        type=dt.date.fromisoformat,
        default=None,
        help="last day of data, YYYY-MM-DD (default: today)",
    )

    commands.add_parser("migrate", help="bring the database to the current schema")
    cli_metrics.add_commands(commands)
    cli_field.add_commands(commands)
    cli_warnings.add_commands(commands)
    cli_users.add_commands(commands)
    cli_remind.add_commands(commands)
    back = commands.add_parser("backup", help="copy the SQLite database safely while it is in use")
    back.add_argument(
        "path",
        type=Path,
        nargs="?",
        help="the backup file to write (default: data/backups/fieldbook-<timestamp>.db)",
    )
    rest = commands.add_parser(
        "restore", help="replace the SQLite database with a backup; ends every session"
    )
    rest.add_argument("path", type=Path, help="a backup file made by `backup`")
    check = commands.add_parser(
        "check-config", help="validate config/rules.yaml and config/review_template.yaml"
    )
    check.add_argument(
        "path",
        type=Path,
        nargs="?",
        help="one file to check instead: a rules file, or a review_template.yaml",
    )
    cli_config.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command; returns the exit status (0 ok, 1 data problem, 2 usage)."""
    args = build_parser().parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "import": _cmd_import,
        "demo": _cmd_demo,
        "migrate": _cmd_migrate,
        "metrics": _cmd_metrics,
        "cohorts": _cmd_cohorts,
        "keep-figures": _cmd_keep_figures,
        "plan": _cmd_field,
        "collection-sheet": _cmd_field,
        "warnings": _cmd_warnings,
        "check-config": _cmd_check_config,
        "install-config": _cmd_install_config,
        "users": _cmd_users,
        "remind": _cmd_remind,
        "backup": _cmd_backup,
        "restore": _cmd_restore,
    }
    try:
        return handlers[args.command](args)
    except (
        ConfigError,
        DatabaseError,
        SettingsError,
        UnreadableInput,
        PeriodError,
        SelectionError,
        UserError,
        PasswordError,
        BackupError,
        ExportError,
        cli_field.OutputError,
        cli_warnings.WarningRaced,
    ) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        print("interrupted; nothing of an unfinished import was written", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so plainly, keep the traceback for --debug
        if args.debug:
            traceback.print_exc()
        elif is_disk_full(exc):  # not a bug: the person frees space and runs it again
            print("error: The disk is full; free space and run the command again.", file=sys.stderr)
            return EXIT_DATA
        else:
            # Only the type: the text of a database error holds its SQL and row values.
            print(
                f"internal error ({type(exc).__name__}); this is a bug in Fieldbook. "
                "Run again with --debug for details.",
                file=sys.stderr,
            )
        return EXIT_BUG


def _cmd_migrate(_args: argparse.Namespace) -> int:
    engine = make_engine()
    changed = ensure_schema(engine)
    print(f"{describe(engine)}: {'upgraded to' if changed else 'already at'} the current schema")
    return EXIT_OK


def _open_database() -> tuple[Engine, list[str]]:
    """The engine at the current schema, and the activity codes time is logged against."""
    settings = load_settings()
    activities = [a.code for a in load_activities(settings.config_dir)]
    engine = make_engine(settings)
    ensure_schema(engine)
    return engine, activities


def _rules(engine: Engine) -> RuleSet:
    """The rules in force on the database (core.admin.active_config), as the app uses."""
    return active_rules(engine, load_settings().config_dir)


def _cmd_import(args: argparse.Namespace) -> int:
    engine, activities = _open_database()
    with TerminalProgress() as progress:
        result = run_import(
            engine,
            args.path,
            activities=activities,
            dry_run=args.dry_run,
            progress=progress,
            params=_rules(engine).params,
            warning=_rules(engine).warning,
        )
    if result.warnings:
        print(render_warnings(result), file=sys.stderr)
    if args.report and result.problems:
        write_problem_csv(result, args.report)
    if result.problems:
        print(render_problems(result, args.max_problems))
        if args.report:
            print(f"\nEvery problem is in {args.report}.")
        return EXIT_DATA
    print(render_summary(result))
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    # The generator is only needed here.
    from core.config.lists import load_exit_reasons
    from core.demo import generate_demo
    from core.demo.exit_reasons import record_demo_exit_reasons

    engine, activities = _open_database()
    end = args.end or local_today()
    out = args.out
    if out is None:
        import tempfile

        out = Path(tempfile.mkdtemp(prefix="fieldbook-demo-"))
    with TerminalProgress() as progress:
        counts = generate_demo(
            out,
            scale=args.scale,
            seed=args.seed,
            end=end,
            activities=activities,
            progress=lambda stage, rows: progress(stage, rows, 0),
        )
    print(
        f"Demo cooperative ({args.scale}, seed {args.seed}, data up to {end}) written to {out}:"
        f" {sum(counts.values()):,} rows"
    )
    with TerminalProgress() as progress:
        result = run_import(
            engine,
            out,
            activities=activities,
            progress=progress,
            actor="demo",
            params=_rules(engine).params,
            warning=_rules(engine).warning,
        )
    if result.problems:  # the generator and the importer disagree: a bug
        print(render_problems(result, 50))
        return EXIT_BUG
    print(render_summary(result))
    reasons = record_demo_exit_reasons(
        engine, args.seed, {r.code for r in load_exit_reasons(load_settings().config_dir)}
    )
    print(f"Exit reasons recorded on {reasons:,} visits of borrowers who left.")
    keep_figures(engine, _rules(engine).params)  # the exit reasons changed visits
    print(cli_users.create_demo_accounts(engine))
    from core.demo.reviews import demo_reviews

    print(demo_reviews(engine, end))
    print(f"Database: {describe(engine)}")
    return EXIT_OK


def _cmd_metrics(args: argparse.Namespace) -> int:
    engine, activities = _open_database()
    rules = _rules(engine)
    with engine.connect() as conn:
        cli_metrics.write_out(cli_metrics.run_metrics(conn, args, rules, activities))
    return EXIT_OK


def _cmd_keep_figures(_args: argparse.Namespace) -> int:
    engine, _activities = _open_database()
    params = _rules(engine).params
    periods = keep_figures(engine, params)
    print("Officer figures kept for " + ", ".join(p.label + f" as of {p.as_of}" for p in periods))
    keep_loan_rows(engine)
    print(f"Cohort and loan figures kept as of {keep_cohorts(engine, params)}")
    warning = _rules(engine).warning
    run = keep_warning(engine, local_today(), warning.horizon_days, params.min_training_days)
    print("Early warning fit for today" if run else "Early warning not kept: the data changed")
    return EXIT_OK


def _cmd_cohorts(args: argparse.Namespace) -> int:
    engine, _activities = _open_database()
    with engine.connect() as conn:
        cli_metrics.write_out(cli_metrics.run_cohorts(conn, args, _rules(engine).params))
    return EXIT_OK


def _cmd_field(args: argparse.Namespace) -> int:
    problem = cli_field.usage_problem(args) if args.command == "collection-sheet" else None
    if problem is not None:  # before the database is opened, as argparse would
        print(f"python -m core collection-sheet: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    engine, _activities = _open_database()
    params = _rules(engine).params
    run = cli_field.run_plan if args.command == "plan" else cli_field.run_collection_sheet
    with engine.connect() as conn:
        cli_metrics.write_out(run(conn, args, params))
    return EXIT_OK


def _cmd_warnings(args: argparse.Namespace) -> int:
    engine, _activities = _open_database()
    rules = _rules(engine)
    text, note = cli_warnings.run_warnings(
        engine, args, rules.warning.horizon_days, rules.params.min_training_days
    )
    print(note, file=sys.stderr)
    cli_metrics.write_out(text)
    return EXIT_OK


def _cmd_users(args: argparse.Namespace) -> int:
    engine, _activities = _open_database()
    print(cli_users.run(engine, args))
    return EXIT_OK


def _cmd_remind(args: argparse.Namespace) -> int:
    engine, _activities = _open_database()
    text, failed = cli_remind.run(engine, args)
    print(text)
    # Some digest could not be delivered: a cron job's mail or a timer's log shows it.
    return EXIT_DATA if failed else EXIT_OK


def _cmd_backup(args: argparse.Namespace) -> int:
    engine = make_engine(load_settings())
    if engine.dialect.name == "sqlite":  # PostgreSQL is refused by backup() itself
        ensure_schema(engine)
    made = backup(engine, args.path or default_backup_path())
    size = made.stat().st_size
    record_backup(engine, "cli", made.name, size)
    print(f"Backup of {describe(engine)} written to {made} ({size:,} bytes)")
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    url = load_settings().database_url
    revision = restore(args.path, url, actor="cli")
    print(f"Restored {args.path} (schema revision {revision}) into {describe(make_engine())}.")
    print("Every session has ended: everyone, you included, must log in again.")
    return EXIT_OK


def _cmd_install_config(args: argparse.Namespace) -> int:
    print(cli_config.run_install(args))
    return EXIT_OK


def _cmd_check_config(args: argparse.Namespace) -> int:
    from core.reviews.template import check_template_text

    settings = load_settings()
    activities = [a.code for a in load_activities(settings.config_dir)]
    engine = make_engine(settings)
    ensure_schema(engine)
    # The files in force: a version installed from the browser, else config/'s file.
    with engine.connect() as conn:
        versions = read_active_versions(conn)
        texts = {f: active_text(conn, settings.config_dir, f, versions) for f in CONFIG_FILES}
    names = {
        f: settings.config_dir / f
        if versions.of(f) is None
        else Path(f"{f} (version {versions.of(f)}, in the database)")
        for f in CONFIG_FILES
    }
    rules_file, template_file = CONFIG_FILES
    checks: list[tuple[bool, str]] = []
    if args.path is None or args.path.name != template_file:
        if args.path is None:
            checks.append(check_config_text(names[rules_file], activities, texts[rules_file]))
        else:
            checks.append(check_config_text(args.path, activities))
    if args.path is None or args.path.name == template_file:
        # The template names rules: it is checked against the active ones.
        rules = load_rules(names[rules_file], activities, texts[rules_file])
        if args.path is None:
            checks.append(check_template_text(names[template_file], rules, texts[template_file]))
        else:
            checks.append(check_template_text(args.path, rules))
    for ok, report in checks:
        print(report, file=sys.stdout if ok else sys.stderr)
    return EXIT_OK if all(ok for ok, _ in checks) else EXIT_DATA
