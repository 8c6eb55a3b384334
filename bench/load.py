"""`python -m bench --load N`: N sessions at once against a running Fieldbook server.

Each session logs in with its own account (bench/load_accounts.py), opens its landing
page, then the pages of its role's menu in menu order, round and round, with a random
think time between two views (seeded per session), until the duration is over and it has
opened every page at least once. The page views' times and errors go to the "Under load"
section of docs/performance.md (bench/load_report.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import platform
import random
import time
from pathlib import Path

from sqlalchemy import Engine
from websockets.exceptions import WebSocketException

from bench.load_accounts import Account, LoadSetupError, prepare_accounts
from bench.load_client import OTHER_PAGE, AppConnection, LoginRefused, log_in, log_out
from bench.load_mix import MIX_OF_20, MenuPage, role_menu, session_mix
from bench.load_report import LoadRun, View, load_table, page_stats, write_load_section
from bench.load_servers import app_servers
from core.db.engine import make_engine, write_transaction
from core.db.schema import ensure_schema

# Sessions log in one after the other over this many seconds, not all in the same instant.
RAMP_SECONDS = 5.0
LOGIN_FAILED = "login refused"


def english_titles() -> dict[str, str]:
    """Catalogue key → English text (the report names pages as the English menu does)."""
    from app.i18n import load_catalog  # bench may import app; core may not

    return load_catalog("en")


def _missing_pages(menu: dict[str, str], pages: list[MenuPage]) -> bool:
    return any(page.url_path not in menu for page in pages)


async def run_session(
    base: str,
    account: Account,
    pages: list[MenuPage],
    *,
    start_after: float,
    deadline: float,
    hard_stop: float,
    think: tuple[float, float],
    rng: random.Random,
    views: list[View],
) -> None:
    """One person: log in, land, then the menu round and round (see the module's text).
    Every view goes into `views`; a dropped connection opens a new one with the same
    login, as a browser tab reconnects."""
    await asyncio.sleep(start_after)
    try:
        cookie = await log_in(base, account.username, account.password)
    except (LoginRefused, OSError):
        views.append(View(pages[0], None, LOGIN_FAILED))
        return
    app = AppConnection(base, cookie)
    try:
        await app.open()
        landing = await app.run()
        if landing.error is None and _missing_pages(landing.menu, pages):
            landing.error = OTHER_PAGE  # the login form: the cookie was not taken
        views.append(View(pages[0], landing.seconds, landing.error))
        menu = landing.menu
        seen = {pages[0]} if landing.error is None else set()
        turn = 1
        while time.monotonic() < hard_stop:
            if time.monotonic() >= deadline and len(seen) == len(pages):
                break
            await asyncio.sleep(rng.uniform(*think))
            page = pages[turn % len(pages)]
            turn += 1
            if not app.is_open:
                await app.open()
            if page.url_path not in menu:  # no menu yet (the landing failed): reload it
                menu = (await app.run()).menu or menu
            if page.url_path not in menu:  # still not: the login form, not the role's menu
                views.append(View(page, None, OTHER_PAGE))
                continue
            result = await app.run(menu[page.url_path], page.url_path)
            views.append(View(page, result.seconds, result.error))
            if result.error is None:
                seen.add(page)
    except (OSError, WebSocketException):  # refused, or the handshake answered an error
        views.append(View(pages[0], None, "could not connect"))
    finally:
        await app.close()
        with contextlib.suppress(OSError):
            await log_out(base, cookie)


async def run_sessions(
    base: str,
    accounts: dict[str, list[Account]],
    mix: dict[str, int],
    menus: dict[str, list[MenuPage]],
    *,
    duration: float,
    think: tuple[float, float],
    seed: int,
) -> list[View]:
    """Runs every session of the mix at once; their views, in the order they ended."""
    views: list[View] = []
    sessions = [(role, i) for role in mix for i in range(mix[role])]
    started = time.monotonic()
    deadline = started + duration
    # A session that has not opened its whole menu by the deadline may go on this long.
    hard_stop = deadline + max(60.0, duration)
    ramp = min(RAMP_SECONDS, duration / 4)
    tasks = [
        run_session(
            base,
            accounts[role][i % len(accounts[role])],
            menus[role],
            start_after=ramp * n / len(sessions),
            deadline=deadline,
            hard_stop=hard_stop,
            think=think,
            rng=random.Random(f"{seed}-{n}"),
            views=views,
        )
        for n, (role, i) in enumerate(sessions)
    ]
    await asyncio.gather(*tasks)
    return views


def _think(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    try:
        pair = (float(low), float(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError(f"think time {text!r}: give MIN-MAX in seconds") from None
    if not 0 <= pair[0] <= pair[1]:
        raise argparse.ArgumentTypeError(f"think time {text!r}: 0 <= MIN <= MAX")
    return pair


def _processes(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"processes {text!r}: give K or K1,K2,...") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"processes {text!r}: at least one each")
    return counts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The load benchmark's options of `python -m bench`."""
    group = parser.add_argument_group("load (python -m bench --load N)")
    group.add_argument("--load", type=int, metavar="N", help="sessions at once")
    group.add_argument("--duration", type=float, default=60.0, help="seconds (default 60)")
    group.add_argument(
        "--url", default="http://127.0.0.1:8501", help="the running server (default :8501)"
    )
    group.add_argument(
        "--processes",
        type=_processes,
        metavar="K[,K...]",
        help="start K app processes on DATABASE_URL (behind nginx when K > 1) instead of "
        "--url; 1,2,4: one run each",
    )
    group.add_argument(
        "--think", type=_think, default=(0.5, 1.5), help="think time MIN-MAX s (0.5-1.5)"
    )
    group.add_argument("--report", type=Path, help="file to write (docs/performance.md)")
    group.add_argument("--note", default="", help="a sentence for the section")


def _cores() -> int:
    return len(os.sched_getaffinity(0))


def _database_name(engine: Engine) -> str:
    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(
        engine.url.get_backend_name(), engine.url.get_backend_name()
    )


def _measure(
    args: argparse.Namespace,
    base: str,
    processes: int,
    accounts: dict[str, list[Account]],
    database: str,
) -> LoadRun:
    """One run of every session against `base`."""
    mix = session_mix(args.load)
    titles = english_titles()
    menus = {role: role_menu(role, titles) for role in mix if mix[role]}
    print(
        f"{args.load} sessions for {args.duration:g} s against {base} "
        f"({processes} app process{'' if processes == 1 else 'es'}) ...",
        flush=True,
    )
    cpu = time.process_time()
    views = asyncio.run(
        run_sessions(
            base, accounts, mix, menus, duration=args.duration, think=args.think, seed=args.seed
        )
    )
    run = LoadRun(
        mix=mix,
        pages=[page for role in MIX_OF_20 for page in menus.get(role, [])],
        views=views,
        duration=args.duration,
        think=args.think,
        seed=args.seed,
        processes=processes,
        cores=_cores(),
        machine=platform.machine(),
        database=database,
        accounts={role: len(accounts[role]) for role in accounts},
        measured=dt.date.today().isoformat(),
        client_cpu=time.process_time() - cpu,
        note=args.note,
    )
    print(load_table(page_stats(run.pages, views)), flush=True)
    return run


def main_load(args: argparse.Namespace, report: Path) -> None:
    """Sets up the accounts on DATABASE_URL (the server's database), runs the sessions
    against --url (or against the app processes it starts itself with --processes),
    prints the tables and writes the section into `report`."""
    mix = session_mix(args.load)
    engine = make_engine()
    ensure_schema(engine)
    try:
        with write_transaction(engine) as conn:
            accounts = prepare_accounts(conn, mix, dt.datetime.now(dt.UTC))
    except LoadSetupError as error:
        raise SystemExit(str(error)) from error
    finally:
        engine.dispose()
    database = _database_name(engine)
    runs = []
    if args.processes is None:
        runs.append(_measure(args, args.url, 1, accounts, database))
    else:
        url = engine.url.render_as_string(hide_password=False)
        for processes in args.processes:
            with app_servers(processes, url) as base:
                runs.append(_measure(args, base, processes, accounts, database))
    write_load_section(report, runs)
    print(f"\nwritten to {report}")
