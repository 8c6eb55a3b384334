"""The load benchmark's results: the page views, their statistics per page, the table and
the "Under load" section of docs/performance.md (which replaces itself on each run)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from bench.load_mix import ROLE_LABELS, MenuPage, mix_text, percentile
from core.exports.textable import render_table

# Targets of the scale-and-load issue on a 2-core machine: 20 sessions with p95 <= 2 s and
# no errors; the team overview's p95 <= 2 s.
TARGET_P95_SECONDS = 2.0
LOAD_START = "<!-- load:start -->"
LOAD_END = "<!-- load:end -->"


@dataclass(frozen=True)
class View:
    """One page view of one session: the page, its time in seconds (None when it failed)
    and what went wrong (None when nothing did)."""

    page: MenuPage
    seconds: float | None
    error: str | None = None


@dataclass(frozen=True)
class PageStats:
    """The views of one page of one role: how many, how many failed, and the percentiles
    of the successful ones' times (None without any)."""

    page: MenuPage
    views: int
    errors: int
    p50: float | None
    p95: float | None
    max: float | None


@dataclass(frozen=True)
class LoadRun:
    """What one run of the load benchmark measured, and under which conditions."""

    mix: dict[str, int]
    pages: list[MenuPage]
    views: list[View]
    duration: float
    think: tuple[float, float]
    seed: int
    processes: int
    cores: int
    machine: str
    database: str
    accounts: dict[str, int]
    measured: str
    client_cpu: float = 0.0
    note: str = ""


def _stats(page: MenuPage, views: list[View]) -> PageStats:
    times = [v.seconds for v in views if v.error is None and v.seconds is not None]
    errors = sum(1 for v in views if v.error is not None)
    if not times:
        return PageStats(page, len(views), errors, None, None, None)
    return PageStats(
        page, len(views), errors, percentile(times, 50), percentile(times, 95), max(times)
    )


def page_stats(pages: list[MenuPage], views: list[View]) -> list[PageStats]:
    """Per page of the mix, in the order of `pages` (a page nobody reached has 0 views);
    then one row for every view together, whose page has the role '' and title 'all
    pages'."""
    rows = [_stats(page, [v for v in views if v.page == page]) for page in pages]
    rows.append(_stats(MenuPage("", "", "", "all pages"), views))
    return rows


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _verdict(row: PageStats) -> str:
    if row.p95 is None:
        return "no view"
    return "meets target" if row.p95 <= TARGET_P95_SECONDS and not row.errors else "MISSES target"


def load_table(rows: list[PageStats]) -> str:
    """The statistics as a text table with the verdict against p95 <= 2 s and no error."""
    body = [
        [
            ROLE_LABELS.get(row.page.role, row.page.role),
            row.page.title,
            str(row.views),
            str(row.errors),
            _seconds(row.p50),
            _seconds(row.p95),
            _seconds(row.max),
            _verdict(row),
        ]
        for row in rows
    ]
    return render_table(
        [
            "account",
            "page",
            "views",
            "errors",
            "p50 s",
            "p95 s",
            "max s",
            f"target (p95 {TARGET_P95_SECONDS:g} s, no error)",
        ],
        body,
        right=[2, 3, 4, 5, 6],
    )


def error_summary(views: list[View]) -> str:
    """ "none", or each kind of error with its count ("2 dropped connection, 1 exception")."""
    counts: dict[str, int] = {}
    for view in views:
        if view.error is not None:
            counts[view.error] = counts.get(view.error, 0) + 1
    if not counts:
        return "none"
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda kv: -kv[1]))


def _accounts_text(run: LoadRun) -> str:
    shared = [
        f"the {run.mix[role]} {ROLE_LABELS[role]} sessions share {n} account{'' if n == 1 else 's'}"
        for role, n in run.accounts.items()
        if 0 < n < run.mix.get(role, 0)
    ]
    text = "Each session logs in with its own account"
    if shared:
        text += (
            ", one per person of the demo's staff: "
            + " and ".join(shared)
            + ", as a person logged in on two devices"
        )
    return text + " (POST /auth/login)."


def _paragraph(text: str) -> str:
    return textwrap.fill(" ".join(text.split()), width=92, break_on_hyphens=False)


def _servers_text(processes: int) -> str:
    if processes == 1:
        return "one app process (`streamlit run serve.py`)"
    return (
        f"{processes} app processes (`streamlit run serve.py`, one port each) behind nginx, "
        "which keeps each login on one process (`hash $cookie_fieldbook_session consistent`)"
    )


def _run_text(run: LoadRun) -> str:
    """A run's table and its overall line."""
    rows = page_stats(run.pages, run.views)
    overall = rows[-1]
    overall_text = _paragraph(
        f"""Overall: {overall.views} page views, p50 {_seconds(overall.p50)} s, p95
        {_seconds(overall.p95)} s, max {_seconds(overall.max)} s; errors: {overall.errors}
        ({error_summary(run.views)}). The benchmark's clients used {run.client_cpu:.0f} s of
        CPU."""
    )
    return f"```text\n{load_table(rows)}\n```\n\n{overall_text}\n"


def _team_overview_p95(run: LoadRun) -> str:
    rows = page_stats(run.pages, run.views)
    found = [row for row in rows if row.page.name == "team"]
    return _seconds(found[0].p95) if found else ""


def scaling_table(runs: list[LoadRun]) -> str:
    """One line per run: its processes, views, errors, percentiles, team overview's p95."""
    body = []
    for run in runs:
        overall = page_stats(run.pages, run.views)[-1]
        body.append(
            [
                str(run.processes),
                str(overall.views),
                str(overall.errors),
                _seconds(overall.p50),
                _seconds(overall.p95),
                _seconds(overall.max),
                _team_overview_p95(run),
            ]
        )
    return render_table(
        ["processes", "views", "errors", "p50 s", "p95 s", "max s", "team overview p95 s"],
        body,
        right=list(range(7)),
    )


def load_section(runs: list[LoadRun]) -> str:
    """The "Under load" section of docs/performance.md, between its markers: how it was
    measured, then each run's table (one run per number of app processes)."""
    run = runs[0]
    sessions = sum(run.mix.values())
    low, high = run.think
    counts = [str(r.processes) for r in runs]
    command = f"python -m bench --load {sessions} --duration {run.duration:g}"
    if len(runs) > 1:
        command += f" --processes {','.join(counts)}"
        served = (
            f"served by {' then '.join(counts)} app processes started by the benchmark (one "
            "run each; more than one behind nginx, which keeps each login on one process: "
            "`hash $cookie_fieldbook_session consistent`)"
        )
    elif run.processes > 1:
        command += f" --processes {run.processes}"
        served = f"served by {_servers_text(run.processes)}, started by the benchmark"
    else:
        served = f"served by {_servers_text(run.processes)}"
    how = _paragraph(
        f"""`{command}`: {sessions} sessions at once ({mix_text(run.mix)}), {served}, on a
        {run.database} database, on this machine ({run.machine}, {run.cores} cores; the
        benchmark's clients run on it too). {_accounts_text(run)} Then it opens the pages of
        its role's menu one after the other, in menu order, with {low:g}-{high:g} s of think
        time between them (random, seed {run.seed}), for {run.duration:g} s, and each page at
        least once. A session is a Streamlit websocket client (bench/load_client.py), not a
        browser: a page view runs from the rerun request (what a click on the menu link
        sends) to the end of the script run; nothing is drawn. A session's first view is its
        landing page after logging in. An error is a run that ends with an exception on the
        page, shows another page than the one asked for (the login form) or the start-up
        error page, or a connection dropped or silent for 120 s. Measured {run.measured}.
        Targets (scale-and-load issue): 20 sessions with p95 <= {TARGET_P95_SECONDS:g} s and
        no error; the team overview p95 <= {TARGET_P95_SECONDS:g} s."""
    )
    note = f"\n{_paragraph(run.note)}\n" if run.note.strip() else ""
    if len(runs) == 1:
        body = _run_text(run)
    else:
        parts = [f"```text\n{scaling_table(runs)}\n```\n"]
        for each in runs:
            title = "1 app process" if each.processes == 1 else f"{each.processes} app processes"
            parts.append(f"### {title}\n\n{_run_text(each)}")
        body = "\n".join(parts)
    return f"""{LOAD_START}
## Under load

{how}
{note}
{body}{LOAD_END}
"""


def replace_section(text: str, section: str, start: str = LOAD_START, end: str = LOAD_END) -> str:
    """`text` with the part from `start` to `end` replaced by `section` (which carries
    both markers), or with `section` appended when `text` has none."""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        return before + section + ("\n" + after if after else "")
    return text.rstrip("\n") + "\n\n" + section


def kept_section(text: str, start: str = LOAD_START, end: str = LOAD_END) -> str | None:
    """The section between `start` and `end` in `text` (markers included), or None."""
    if start not in text or end not in text:
        return None
    return start + text.split(start, 1)[1].split(end, 1)[0] + end + "\n"


def keep_load_section(new_report: str, old_report: str | None) -> str:
    """A freshly written report with the "Under load" section of the report it replaces
    (measured apart, by `python -m bench --load`), when that one had it."""
    section = kept_section(old_report) if old_report else None
    return new_report + ("\n" + section if section else "")


def write_load_section(report: Path, runs: list[LoadRun]) -> str:
    """Writes the runs' section into `report` (created when missing); returns it."""
    section = load_section(runs)
    text = report.read_text(encoding="utf-8") if report.exists() else "# Performance\n"
    report.write_text(replace_section(text, section), encoding="utf-8")
    return section
