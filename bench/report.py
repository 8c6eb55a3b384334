"""docs/performance.md: the report a full benchmark run writes, and its sections.

A run at the default scale (medium) writes the whole report; a run at the large scale
writes only its own section ("At the scale of a provincial union"). Each keeps what the
other measured, and both keep the "Under load" section (bench/load_report.py).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
from dataclasses import dataclass
from pathlib import Path

from bench.load_report import kept_section, replace_section
from bench.metrics import REPEATS
from bench.pages import LARGE_TARGETS, MEDIUM_TARGETS, PageTargets
from bench.pages import REPEATS as PAGE_REPEATS

PAGES_START = "<!-- pages:start -->"
PAGES_END = "<!-- pages:end -->"
LARGE_START = "<!-- scale-large:start -->"
LARGE_END = "<!-- scale-large:end -->"


@dataclass(frozen=True)
class Measured:
    """One full run's tables and what they were measured on."""

    scale: str
    seed: int
    end: dt.date
    rows: int
    import_table: str
    metrics_table: str
    field_table: str
    pages_table: str
    pages_database: str  # the database the pages were timed on


def write_report(
    report: Path, measured: Measured, period: str, as_of: dt.date, officer: str
) -> None:
    """Writes a run's tables into `report`: the whole report at the medium scale (keeping
    the large section and the load section), the large section alone at the large scale."""
    old = report.read_text(encoding="utf-8") if report.exists() else None
    if measured.scale == "large":
        text = old or "# Performance\n"
        report.write_text(
            replace_section(
                text, large_section(measured, period, as_of, officer), LARGE_START, LARGE_END
            ),
            encoding="utf-8",
        )
        return
    text = full_report(measured, period, as_of, officer)
    for start, end in ((LARGE_START, LARGE_END), ("<!-- load:start -->", "<!-- load:end -->")):
        section = kept_section(old, start, end) if old else None
        if section:
            text += "\n" + section
    report.write_text(text, encoding="utf-8")


def write_pages_section(report: Path, table: str) -> None:
    """Replaces the "Pages" section of the medium report (`--pages-only`)."""
    text = report.read_text(encoding="utf-8")
    report.write_text(replace_section(text, pages_section(table), PAGES_START, PAGES_END))


def pages_section(
    table: str,
    database: str = "SQLite",
    heading: str = "##",
    targets: PageTargets = MEDIUM_TARGETS,
) -> str:
    """The pages table with how it was measured, between its markers."""
    return f"""{PAGES_START}
{heading} Pages

Each page of each demo account in Debian's Chromium (headless, 1366x900), on the {database}
database imported above, served by `streamlit run serve.py` on this machine. "First open" is
the page's first open in the session (its caches may still be cold); "warm" is the median
of {PAGE_REPEATS} later opens, each after another page. Time runs from the click on the menu
link to the end of the script run with the page's title on screen. Measured
{dt.date.today().isoformat()}. {targets.words()}

```text
{table}
```
{PAGES_END}
"""


def _import_text(measured: Measured) -> str:
    m = measured
    what = f"The {m.scale} demo cooperative (seed {m.seed}, data up to {m.end})"
    return f"""{what}: {m.rows:,} rows in eight CSV
files, imported by `python -m core import` in a fresh process. Time is wall-clock for the
whole command (start-up, schema creation, reading, checking, writing, commit); peak memory is
the process's maximum resident set size. "Re-import" imports the same files into the loaded
database again: every row is compared and found unchanged."""


def _figures_text(period: str, as_of: dt.date, officer: str) -> str:
    where = "on the database imported above, in one warm process"
    return f"""Period {period} as of {as_of}, {where}: the
median of {REPEATS} runs after one warm-up run. "One officer's scorecard" is every figure
of {officer} with the findings of config/rules.yaml; "all officers" the same for every
officer; "cohorts" the trained/untrained comparison overall, by disbursement quarter and by
branch. The rows marked "kept" read what an import keeps instead of computing it: every
officer's components, or the cohort sums from which the cohort page's whole report (four
breakdowns, vintage curves, training-days buckets) is built. DuckDB computes the same
figures straight from the demo's CSV files (loaded into memory first, not timed) with its
own implementation of the definitions (bench/duckdb_metrics.py): the yardstick."""


def _field_text(officer: str, end: dt.date) -> str:
    when = "(the demo's last day), in one warm process"
    return f"""On the same databases, for {officer} on {end} {when}
(median of {REPEATS} runs after a warm-up): the plan page's list of the day (reasons as the
day started, the visited kept and marked done), the week ahead, and the collection sheet of
all the officer's groups. The branch PDF is `python -m core collection-sheet --branch B
--format pdf --language zh` for the branch with the most officers, in a fresh process
(wall-clock, start-up included)."""


def full_report(measured: Measured, period: str, as_of: dt.date, officer: str) -> str:
    """The whole report of a medium run."""
    return f"""# Performance

Written by `make bench` (`python -m bench`); do not edit by hand.

Machine: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}.
Measured {dt.date.today().isoformat()}.

## Import

{_import_text(measured)}

```text
{measured.import_table}
```

Target (data-foundation issue): the medium import in under 60 s with peak memory under
1.5 GB on a 2-core machine.

## Figures

{_figures_text(period, as_of, officer)} Targets: one officer <= 0.2 s, all officers and
cohorts <= 2 s, and at most 5x DuckDB's time.

```text
{measured.metrics_table}
```

## Field lists

{_field_text(officer, measured.end)} Targets (field-day issue): the plan and a sheet within 1 s
warm (the pages table below has them in the browser), a branch's sheets within 30 s.

```text
{measured.field_table}
```

{pages_section(measured.pages_table, measured.pages_database)}"""


def large_section(measured: Measured, period: str, as_of: dt.date, officer: str) -> str:
    """The section of a large run (`make bench SCALE=large`), between its markers."""
    pages = pages_section(measured.pages_table, measured.pages_database, "###", LARGE_TARGETS)
    pages = pages.replace(PAGES_START + "\n", "").replace(PAGES_END + "\n", "")
    return f"""{LARGE_START}
## At the scale of a provincial union

Written by `make bench SCALE=large` (`python -m bench --scale large`), measured
{dt.date.today().isoformat()} on the same machine ({_cores()} cores). Targets (scale issue): the
import's peak memory under 1.5 GB, whatever the size of the files; on PostgreSQL every page
within 1 s warm and 3 s on its first open after an import; the all-officer scorecard of a
quarter end within 2x DuckDB's time.

### Import

{_import_text(measured)}

```text
{measured.import_table}
```

### Figures

{_figures_text(period, as_of, officer)}

```text
{measured.metrics_table}
```

### Field lists

{_field_text(officer, measured.end)}

```text
{measured.field_table}
```

{pages.rstrip()}
{LARGE_END}
"""


def _cores() -> int:
    return len(os.sched_getaffinity(0))
