"""Runs the benchmarks and writes docs/performance.md.

python -m bench [--scale medium] [--seed 1] [--skip-postgres] [--pages-only]
python -m bench --load N [--duration 60] [--url http://127.0.0.1:8501] [--think 0.5-1.5]

--pages-only times the pages again on the database of the last full run and rewrites only
the "Pages" section of docs/performance.md. --load runs N sessions at once against a
running server on DATABASE_URL's demo database (bench/load.py) and rewrites only the
"Under load" section; a full run keeps that section as it was. --scale large writes only
the "At the scale of a provincial union" section (bench/report.py), and a medium run keeps
it.
"""

from __future__ import annotations

import argparse
import datetime as dt

from bench.field import (
    BRANCH_SECONDS,
    largest_branch,
    measure_field,
    time_branch_pdf,
)
from bench.importing import ImportRun, create_database, demo_folder, measure_imports
from bench.load import add_arguments as add_load_arguments
from bench.metrics import Timing, cross_check, measure_duckdb, measure_engine
from bench.pages import LARGE_TARGETS, measure_pages, pages_table
from bench.report import Measured, write_pages_section, write_report
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
        table = pages_table(measure_pages(sqlite_url))
        write_pages_section(REPORT, table)
        print(table + f"\n\nwritten to {REPORT.relative_to(PROJECT_ROOT)}")
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
    pages: str | None = None
    pages_database = "SQLite"
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
        if args.scale == "large" and postgres_url:
            # A provincial union runs on PostgreSQL: its pages are timed there.
            print("timing the pages in Chromium (PostgreSQL) ...", flush=True)
            pages = pages_table(measure_pages(postgres_url), LARGE_TARGETS)
            pages_database = "PostgreSQL"
    finally:
        if server:
            server.stop()
    if pages is None:
        print("timing the pages in Chromium ...", flush=True)
        pages = pages_table(measure_pages(sqlite_url))
    measured = Measured(
        scale=args.scale,
        seed=args.seed,
        end=end,
        rows=rows,
        import_table=_table(runs, rows, args.scale),
        metrics_table=_metrics_table(engines, duck) + "\n\n" + agreement,
        field_table=field_table,
        pages_table=pages,
        pages_database=pages_database,
    )
    print("\n\n".join([measured.import_table, measured.metrics_table, field_table, pages]))
    write_report(REPORT, measured, PERIOD, AS_OF, OFFICER)
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


def _table(runs: list[ImportRun], rows: int, scale: str) -> str:
    # The 60 s target is the medium import's; at every scale the peak stays under 1.5 GB.
    timed = scale == "medium"
    body = []
    for run in runs:
        verdict = ""
        if run.first_import:
            fast = run.seconds <= IMPORT_SECONDS_TARGET or not timed
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
    target = "target (60 s, 1.5 GB)" if timed else "target (1.5 GB)"
    return render_table(["import", "seconds", "rows/s", "peak MB", target], body, right=[1, 2, 3])


if __name__ == "__main__":
    main()
