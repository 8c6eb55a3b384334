"""Runs the benchmarks and writes docs/performance.md.

python -m bench [--scale medium] [--seed 1] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform

from bench.importing import ImportRun, demo_folder, measure_imports
from core.paths import PROJECT_ROOT
from core.textable import render_table

WORK = PROJECT_ROOT / "bench-out"
REPORT = PROJECT_ROOT / "docs" / "performance.md"
# Targets from the data-foundation issue, for the medium demo on a 2-core machine.
IMPORT_SECONDS_TARGET = 60
IMPORT_MEMORY_MB_TARGET = 1536


def main() -> None:
    """Generates the demo (once per scale and seed), measures, prints and writes the report."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", default="medium", choices=["small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    end = dt.date(2026, 11, 28)  # fixed, so that runs on different days compare
    folder, rows = demo_folder(WORK, args.scale, args.seed, end)
    runs = measure_imports(folder, WORK, with_postgres=not args.skip_postgres)
    table = _table(runs, rows)
    print(table)
    REPORT.write_text(_report(args.scale, args.seed, end, rows, table), encoding="utf-8")
    print(f"\nwritten to {REPORT.relative_to(PROJECT_ROOT)}")


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


def _report(scale: str, seed: int, end: dt.date, rows: int, table: str) -> str:
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
"""


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
