"""Text reports of an import for the terminal: the problems, or what was written."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from core.exports.textable import render_table

if TYPE_CHECKING:
    from core.importer import ImportResult


def render_problems(result: ImportResult, limit: int) -> str:
    """The refusal: how many problems, then a table of (at most `limit` of) them."""
    problems = result.problems
    files = len({p.file for p in problems})
    lines = [
        f"Import refused: {len(problems)} problem{'s' if len(problems) != 1 else ''} in "
        f"{files} file{'s' if files != 1 else ''}. Nothing was written.",
        "",
        render_table(
            ["file", "line", "column", "value", "problem"],
            [[p.file, p.line, p.column, p.value, p.message] for p in problems[:limit]],
            right=[1],
        ),
    ]
    if len(problems) > limit:
        lines += ["", f"... and {len(problems) - limit} more; --report FILE writes them all."]
    return "\n".join(lines)


def render_summary(result: ImportResult) -> str:
    """Rows added, changed (updated in place), replaced and unchanged per table."""
    verb = "Dry run, nothing written" if result.dry_run else "Imported"
    kinds = ("added", "changed", "replaced", "unchanged")
    counts = list(result.counts.values())
    rows: list[list[object]] = [
        [table, *(f"{getattr(c, k):,}" for k in kinds)] for table, c in result.counts.items()
    ]
    total: list[object] = ["total", *(f"{sum(getattr(c, k) for c in counts):,}" for k in kinds)]
    table = render_table(["table", *kinds], [*rows, total], right=[1, 2, 3, 4])
    return f"{verb}: {result.source}\n\n{table}\n\n{SUMMARY_NOTE}"


SUMMARY_NOTE = (
    "replaced: stored visits, time entries and repayments without receipt of a group the\n"
    "files bring again, but not among the files' rows (see docs/import-format.md)."
)


def render_warnings(result: ImportResult) -> str:
    """One line per warning (unknown columns, ignored files, repeated training days)."""
    return "\n".join(f"warning: {w}" for w in result.warnings)


def write_problem_csv(result: ImportResult, path: Path) -> None:
    """Every problem as CSV (UTF-8 with BOM, so spreadsheet programs read Chinese)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "column", "value", "problem"])
        for p in result.problems:
            writer.writerow([p.file, p.line, p.column, _inert(p.value), p.message])


def _inert(value: str) -> str:
    # A value from the input that starts like a formula must stay text in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
