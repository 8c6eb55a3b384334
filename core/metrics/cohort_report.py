"""Everything `python -m core cohorts` prints and the "Training and loan outcomes" screen
shows, built by one function, so the two never differ; and its records as plain dicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.metrics.cohort_compare import CohortStats, Comparison, compare_groups
from core.metrics.cohorts import compute_cohort_breakdowns
from core.metrics.params import MetricParams
from core.metrics.training_days import TrainingDaysRow, compute_training_days
from core.metrics.vintage import VintagePoint, compute_vintage
from core.money import cents_to_yuan

DEFAULT_BREAKDOWNS = ("quarter", "branch")


@dataclass(frozen=True)
class CohortReport:
    """The comparison overall and per group, and (when asked for) the vintage curves and
    the training-days buckets."""

    as_of: dt.date
    min_training_days: int
    min_cohort_size: int
    overall: Comparison
    breakdowns: dict[str, list[Comparison]]
    vintage: list[VintagePoint] | None
    training_days: list[TrainingDaysRow] | None


def build_cohort_report(
    conn: Connection,
    scope: Scope,
    as_of: dt.date,
    params: MetricParams,
    breakdowns: Sequence[str] = DEFAULT_BREAKDOWNS,
    vintage: bool = False,
    by_days: bool = False,
) -> CohortReport:
    """The cohorts of `scope`'s first loans disbursed on or before `as_of`."""
    found = compute_cohort_breakdowns(conn, scope, as_of, params, [None, *breakdowns])
    size = params.min_cohort_size
    return CohortReport(
        as_of=as_of,
        min_training_days=params.min_training_days,
        min_cohort_size=size,
        overall=compare_groups(found[None], size)[0],
        breakdowns={by: compare_groups(found[by], size) for by in breakdowns},
        vintage=compute_vintage(conn, scope, as_of, params) if vintage else None,
        training_days=compute_training_days(conn, scope, as_of, size) if by_days else None,
    )


def _bounds(prefix: str, interval: tuple[float, float] | None) -> dict[str, float | None]:
    low, high = interval if interval is not None else (None, None)
    return {f"{prefix}_low": low, f"{prefix}_high": high}


def cohort_record(stats: CohortStats) -> dict[str, Any]:
    """A cohort's figures (the spec's keys), its too_few flag and its 95% intervals."""
    return {
        **stats.figures.figures(),
        "too_few": stats.too_few,
        **_bounds("recovery", stats.recovery_interval),
        **_bounds("ever_par30", stats.ever_par30_interval),
    }


def difference_record(comparison: Comparison) -> dict[str, Any]:
    """The tests of trained against untrained: z and two-sided p, null when too few."""
    ever30 = comparison.ever_par30_test or (None, None)
    recovery = comparison.recovery_test or (None, None)
    return {
        "too_few": comparison.too_few,
        "ever_par30_z": ever30[0],
        "ever_par30_p": ever30[1],
        "recovery_z": recovery[0],
        "recovery_p": recovery[1],
    }


def group_rows(name: str, comparisons: list[Comparison]) -> list[dict[str, Any]]:
    """A breakdown's cohort rows (a cohort without first loans in a group is left out)."""
    return [
        {name: c.group, **cohort_record(stats)}
        for c in comparisons
        for stats in (c.trained, c.untrained)
        if stats.figures.first_loans
    ]


def vintage_record(point: VintagePoint) -> dict[str, Any]:
    """One point of a vintage curve; money in yuan, share a fraction."""
    return {
        "cohort": point.cohort,
        "quarter": point.quarter,
        "month": point.month,
        "loans": point.loans,
        "principal": cents_to_yuan(point.principal_cents),
        "principal_par30": cents_to_yuan(point.par30_cents),
        "share": point.share,
    }


def training_days_record(row: TrainingDaysRow) -> dict[str, Any]:
    """One training-days bucket ("0" ... "7+")."""
    return {
        "training_days": row.label,
        "first_loans": row.first_loans,
        "ever_par30_loans": row.ever_par30_loans,
        "ever_par30_rate": row.ever_par30_rate,
        "too_few": row.too_few,
        **_bounds("ever_par30", row.interval),
    }


def report_document(report: CohortReport) -> dict[str, Any]:
    """The JSON document of `python -m core cohorts --format json` (before number plain-ing)."""
    document: dict[str, Any] = {
        "as_of": report.as_of.isoformat(),
        "min_training_days": report.min_training_days,
        "min_cohort_size": report.min_cohort_size,
        "cohorts": [cohort_record(s) for s in (report.overall.trained, report.overall.untrained)],
        "difference": difference_record(report.overall),
    }
    for name, comparisons in report.breakdowns.items():
        document[f"by_{name}"] = group_rows(name, comparisons)
        document[f"by_{name}_difference"] = [
            {name: c.group, **difference_record(c)} for c in comparisons
        ]
    if report.vintage is not None:
        document["vintage"] = [vintage_record(p) for p in report.vintage]
    if report.training_days is not None:
        document["by_training_days"] = [training_days_record(r) for r in report.training_days]
    return document
