"""Runs the benchmarks and writes docs/performance.md.

python -m bench [--scale medium] [--seed 1] [--skip-postgres] [--pages-only]
python -m bench --load N [--duration 60] [--url http://127.0.0.1:8501] [--think 0.5-1.5]

--pages-only times the pages again on the database of the last full run and rewrites only
the "Pages" section of docs/performance.md. --load runs N sessions at once against a
running server on DATABASE_URL's demo database (bench/load.py) and rewrites only the
"Under load" section; a full run keeps that section as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform

from bench.field import (
    BRANCH_SECONDS,
    largest_branch,
    measure_field,
    time_branch_pdf,
)
from bench.importing import ImportRun, create_database, demo_folder, measure_imports
from bench.load import add_arguments as add_load_arguments
from bench.load_report import keep_load_section
from bench.metrics import REPEATS, Timing, cross_check, measure_duckdb, measure_engine
from bench.pages import REPEATS as PAGE_REPEATS
from bench.pages import TARGET_SECONDS, measure_pages, pages_table
from core.exports.textable import render_table
from core.paths import PROJECT_ROOT

WORK = PROJECT_ROOT / "bench-out"
REPORT = PROJECT_ROOT / "docs" / "performance.md"
# Targets from the data-foundation issue, for the medium demo on a 2-core machine.
IMPORT_SECONDS_TARGET = 60
IMPORT_MEMORY_MB_TARGET = 1536
# The figures are measured for the demo's last full quarter and one of its officers.
PERIOD = "2026Q3"
AS_OF = dt.date(2026, 9, 30)
OFFICER = "OF0001"


def main() -> None:
    """Generates the demo (once per scale and seed), measures, prints and writes the report."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", default="medium", choices=["small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--pages-only", action="store_true")
    add_load_arguments(parser)
    args = parser.parse_args()
    if args.load is not None:
        from bench.load import main_load

        if args.load < 1:
            parser.error("--load needs at least one session")
        main_load(args, args.report or REPORT)
        return
    sqlite_url = f"sqlite:///{WORK / 'bench.db'}"
    if args.pages_only:
        if not (WORK / "bench.db").exists():
            parser.error("no benchmark database yet: run `python -m bench` once first")
        _write_pages_section(pages_table(measure_pages(sqlite_url)))
        return
    end = dt.date(2026, 11, 28)  # fixed, so that runs on different days compare
    folder, rows = demo_folder(WORK, args.scale, args.seed, end)
    for path in WORK.glob("bench.db*"):
        path.unlink()
    server = None
    postgres_url = None
    if not args.skip_postgres:
        from tests.pg_server import PostgresServer

        server = PostgresServer()
        server.start()
        create_database(server.url(), "bench")
        postgres_url = server.url("bench")
    try:
        runs = measure_imports(folder, sqlite_url, postgres_url)
        print("measuring the figures ...", flush=True)
        engines = {"SQLite": measure_engine(sqlite_url, PERIOD, AS_OF, OFFICER)}
        if postgres_url:
            engines["PostgreSQL"] = measure_engine(postgres_url, PERIOD, AS_OF, OFFICER)
        duck = measure_duckdb(folder, PERIOD, AS_OF, OFFICER)
        agreement = cross_check(sqlite_url, folder, PERIOD, AS_OF)
        print("measuring the field lists ...", flush=True)
        field_table = _field_table(sqlite_url, postgres_url, end)
    finally:
        if server:
            server.stop()
    print("timing the pages in Chromium ...", flush=True)
    pages = pages_table(measure_pages(sqlite_url))
    import_table = _table(runs, rows)
    metrics_table = _metrics_table(engines, duck) + "\n\n" + agreement
    print(import_table + "\n\n" + metrics_table + "\n\n" + field_table + "\n\n" + pages)
    text = _report(
        args.scale, args.seed, end, rows, import_table, metrics_table, field_table, pages
    )
    old = REPORT.read_text(encoding="utf-8") if REPORT.exists() else None
    REPORT.write_text(keep_load_section(text, old), encoding="utf-8")
    print(f"\nwritten to {REPORT.relative_to(PROJECT_ROOT)}")


def _metrics_table(engines: dict[str, list[Timing]], duck: list[Timing] | None) -> str:
    names = list(engines)
    headers = ["computation", *(f"{n} s" for n in names), "target s"]
    if duck:
        headers += ["DuckDB s", *(f"{n} / DuckDB" for n in names)]
    body = []
    duck_by_label = {t.label: t for t in duck or []}
    for i, timing in enumerate(engines[names[0]]):
        row = [
            timing.label,
            *(f"{engines[n][i].seconds:.3f}" for n in names),
            f"{timing.target:g}" if timing.target else "",
        ]
        other = duck_by_label.get(timing.compare or timing.label)
        if duck and other is None:
            row += ["", *("" for _ in names)]
        elif other is not None:
            row += [
                f"{other.seconds:.3f}",
                *(f"{engines[n][i].seconds / other.seconds:.1f}x" for n in names),
            ]
        body.append(row)
    return render_table(headers, body, right=list(range(1, len(headers))))


def _field_table(sqlite_url: str, postgres_url: str | None, day: dt.date) -> str:
    """The field lists' timings on each database, and the branch PDF's."""
    urls = {"SQLite": sqlite_url, **({"PostgreSQL": postgres_url} if postgres_url else {})}
    timings = {name: measure_field(url, OFFICER, day) for name, url in urls.items()}
    branch, officers = largest_branch(sqlite_url)
    pdfs = {
        name: time_branch_pdf(url, branch, day, WORK / f"branch-{name}.pdf")
        for name, url in urls.items()
    }
    names = list(urls)
    body = [
        [
            timing.label,
            *(f"{timings[n][i].seconds:.3f}" for n in names),
            f"{timing.target:g}",
        ]
        for i, timing in enumerate(timings[names[0]])
    ]
    body.append(
        [
            f"collection-sheet --branch ({officers} officers), PDF",
            *(f"{pdfs[n]:.1f}" for n in names),
            f"{BRANCH_SECONDS:g}",
        ]
    )
    return render_table(
        ["computation", *(f"{n} s" for n in names), "target s"],
        body,
        right=list(range(1, len(names) + 2)),
    )


def _table(runs: list[ImportRun], rows: int) -> str:
    body = []
    for run in runs:
        verdict = ""
        if run.first_import:
            fast = run.seconds <= IMPORT_SECONDS_TARGET
            small = run.peak_mb <= IMPORT_MEMORY_MB_TARGET
            verdict = "meets target" if fast and small else "MISSES target"
        body.append(
            [
                run.label,
                f"{run.seconds:.1f}",
                f"{rows / run.seconds:,.0f}",
                f"{run.peak_mb:,.0f}",
                verdict,
            ]
        )
    return render_table(
        ["import", "seconds", "rows/s", "peak MB", "target (60 s, 1.5 GB)"], body, right=[1, 2, 3]
    )


PAGES_START = "<!-- pages:start -->"
PAGES_END = "<!-- pages:end -->"


def _pages_section(table: str) -> str:
    return f"""{PAGES_START}
## Pages

Each page of each demo account in Debian's Chromium (headless, 1366x900), on the SQLite
database imported above, served by `streamlit run serve.py` on this machine. "First open" is
the page's first open in the session (its caches may still be cold); "warm" is the median
of {PAGE_REPEATS} later opens, each after another page. Time runs from the click on the menu
link to the end of the script run with the page's title on screen. Measured
{dt.date.today().isoformat()}. Target (officer workspace issue): at most {TARGET_SECONDS:g} s
warm.

```text
{table}
```
{PAGES_END}
"""


def _write_pages_section(table: str) -> None:
    text = REPORT.read_text(encoding="utf-8")
    section = _pages_section(table)
    if PAGES_START in text:
        before, rest = text.split(PAGES_START, 1)
        after = rest.split(PAGES_END, 1)[1].lstrip("\n")
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    REPORT.write_text(text, encoding="utf-8")
    print(table + f"\n\nwritten to {REPORT.relative_to(PROJECT_ROOT)}")


def _report(
    scale: str,
    seed: int,
    end: dt.date,
    rows: int,
    table: str,
    metrics_table: str,
    field_table: str,
    pages: str,
) -> str:
    return f"""# Performance

Written by `make bench` (`python -m bench`); do not edit by hand.

Machine: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}.
Measured {dt.date.today().isoformat()}.

## Import

The {scale} demo cooperative (seed {seed}, data up to {end}): {rows:,} rows in eight CSV
files, imported by `python -m core import` in a fresh process. Time is wall-clock for the
whole command (start-up, schema creation, reading, checking, writing, commit); peak memory is
the process's maximum resident set size. "Re-import" imports the same files into the loaded
database again: every row is compared and found unchanged.

```text
{table}
```

Target (data-foundation issue): the medium import in under 60 s with peak memory under
1.5 GB on a 2-core machine.

## Figures

Period {PERIOD} as of {AS_OF}, on the database imported above, in one warm process: the
median of {REPEATS} runs after one warm-up run. "One officer's scorecard" is every figure
of {OFFICER} with the findings of config/rules.yaml; "all officers" the same for every
officer; "cohorts" the trained/untrained comparison overall, by disbursement quarter and by
branch. DuckDB computes the same figures straight from the demo's CSV files (loaded into
memory first, not timed) with its own implementation of the definitions
(bench/duckdb_metrics.py): the yardstick. Targets: one officer <= 0.2 s, all officers and
cohorts <= 2 s, and at most 5x DuckDB's time.

```text
{metrics_table}
```

## Field lists

On the same databases, for {OFFICER} on {end} (the demo's last day), in one warm process
(median of {REPEATS} runs after a warm-up): the plan page's list of the day (reasons as the
day started, the visited kept and marked done), the week ahead, and the collection sheet of
all the officer's groups. The branch PDF is `python -m core collection-sheet --branch B
--format pdf --language zh` for the branch with the most officers, in a fresh process
(wall-clock, start-up included). Targets (field-day issue): the plan and a sheet within 1 s
warm (the pages table below has them in the browser), a branch's sheets within 30 s.

```text
{field_table}
```

{_pages_section(pages)}"""


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
