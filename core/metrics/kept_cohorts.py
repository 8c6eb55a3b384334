"""The whole cooperative's cohort figures as of today, kept per data version.

The "Training and loan outcomes" page and the trainer's home show trained against
untrained first loans of the whole cooperative, broken down four ways, with the vintage
curves and the training-days buckets: at a provincial union's size that is tens of
seconds of SQL on every first open after a write. So an import computes them once, in its
own transaction, for today (`build_kept_cohorts`), and the pages read them back
(`cohort_report`, `cohort_figures`):

- the kept rows are the sums the live queries give (CohortFigures, VintagePoint,
  TrainingDaysRow), stored as JSON; the statistics (intervals, tests) are computed from
  them on reading, as they are from the live sums;
- a write of a table the cohorts read (loans, installments, repayments, training days,
  staff...) deletes them (core.db.engine.data_write), unless it rebuilt them itself;
- a page asking for today when nothing is kept computes the whole report once and stores
  it for the next pages (when the data did not change meanwhile and the lock is free);
- any other as-of date, or a scope other than the whole cooperative, is computed live.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from core.auth.scope import Scope
from core.db.engine import (
    keep_if_unchanged,
    mark_loans_kept_current,
    read_data_version,
    write_transaction,
)
from core.localtime import local_today
from core.metrics.cohort_compare import compare_groups
from core.metrics.cohort_report import DEFAULT_BREAKDOWNS, CohortReport, build_cohort_report
from core.metrics.cohorts import BREAKDOWNS, CohortFigures, compute_cohort_breakdowns
from core.metrics.kept import params_key
from core.metrics.kept_models import KeptCohortReport
from core.metrics.params import MetricParams
from core.metrics.training_days import TrainingDaysRow, compute_training_days
from core.metrics.views import GRADES, GradeOutcome, compute_judgement, judgement_by_branch
from core.metrics.vintage import VintagePoint, compute_vintage

# The JSON key of the overall rows (the breakdown None).
_OVERALL = ""


@dataclasses.dataclass(frozen=True)
class CohortSums:
    """Every sum a cohort report is built from: each breakdown's rows (None = overall),
    the vintage points and the training-days buckets."""

    breakdowns: dict[str | None, list[CohortFigures]]
    vintage: list[VintagePoint]
    training_days: list[TrainingDaysRow]
    # Loans by appraisal grade per branch (the judgement page's comparison), kept with
    # the cohorts: the same loans, the same day, the same lifetime.
    judgement: dict[str, list[GradeOutcome]]

    def report(
        self,
        as_of: dt.date,
        params: MetricParams,
        breakdowns: Sequence[str],
        vintage: bool,
        by_days: bool,
    ) -> CohortReport:
        """The report build_cohort_report would give for these breakdowns."""
        size = params.min_cohort_size
        return CohortReport(
            as_of=as_of,
            min_training_days=params.min_training_days,
            min_cohort_size=size,
            overall=compare_groups(self.breakdowns[None], size)[0],
            breakdowns={by: compare_groups(self.breakdowns[by], size) for by in breakdowns},
            vintage=list(self.vintage) if vintage else None,
            training_days=list(self.training_days) if by_days else None,
        )


def compute_cohort_sums(conn: Connection, as_of: dt.date, params: MetricParams) -> CohortSums:
    """Every sum of the whole cooperative's cohorts as of `as_of`, computed live."""
    everyone = Scope.everyone()
    return CohortSums(
        breakdowns=compute_cohort_breakdowns(conn, everyone, as_of, params, [None, *BREAKDOWNS]),
        vintage=compute_vintage(conn, everyone, as_of, params),
        training_days=compute_training_days(conn, everyone, as_of, params.min_cohort_size),
        judgement=judgement_by_branch(conn, everyone, as_of),
    )


def build_kept_cohorts(
    conn: Connection, params: MetricParams, *, today: dt.date | None = None
) -> dt.date:
    """Computes and stores the cooperative's cohort sums as of `today` (default: the
    cooperative's today) inside the caller's write transaction, replacing whatever was
    kept; data_write then keeps them. Returns the as-of date."""
    as_of = today or local_today()
    _store(conn, as_of, params, compute_cohort_sums(conn, as_of, params))
    mark_loans_kept_current(conn)
    return as_of


def keep_cohorts(engine: Engine, params: MetricParams) -> dt.date:
    """Builds the kept cohorts for today in a transaction of their own (`python -m core
    keep-figures`, nightly): not a change of data, so the data version stays."""
    with write_transaction(engine) as conn:
        return build_kept_cohorts(conn, params)


def read_kept_cohorts(conn: Connection, as_of: dt.date, params: MetricParams) -> CohortSums | None:
    """The kept sums as of `as_of` with these parameters, or None when none are kept."""
    found = conn.execute(
        select(KeptCohortReport.figures).where(
            KeptCohortReport.as_of == as_of, KeptCohortReport.params == params_key(params)
        )
    ).scalar_one_or_none()
    if found is None:
        return None
    document = json.loads(found)
    # Sums kept before the judgement was kept with them are rebuilt, not half read.
    return _decode(document) if "judgement" in document else None


def cohort_report(
    conn: Connection,
    scope: Scope,
    as_of: dt.date,
    params: MetricParams,
    breakdowns: Sequence[str] = DEFAULT_BREAKDOWNS,
    vintage: bool = False,
    by_days: bool = False,
) -> CohortReport:
    """build_cohort_report's report, read from the kept sums when the whole cooperative
    is asked for on a kept day (today, built lazily when missing), else computed live."""
    sums = _sums(conn, scope, as_of, params)
    if sums is None:
        return build_cohort_report(conn, scope, as_of, params, breakdowns, vintage, by_days)
    return sums.report(as_of, params, breakdowns, vintage, by_days)


def cohort_figures(
    conn: Connection, scope: Scope, as_of: dt.date, params: MetricParams
) -> list[CohortFigures]:
    """compute_cohorts(conn, scope, as_of, params): the two cohorts overall, kept or live."""
    sums = _sums(conn, scope, as_of, params)
    if sums is None:
        return compute_cohort_breakdowns(conn, scope, as_of, params, [None])[None]
    return list(sums.breakdowns[None])


def branch_judgement(
    conn: Connection, branch: str, as_of: dt.date, params: MetricParams
) -> list[GradeOutcome]:
    """compute_judgement for one branch: from the kept sums when the day is kept (a
    branch of a provincial union has hundreds of thousands of loans), else live."""
    kept = read_kept_cohorts(conn, as_of, params)
    if kept is None:
        return compute_judgement(conn, Scope("branch", branch=branch), as_of)
    return kept.judgement.get(branch) or [GradeOutcome(g, 0, 0, 0, 0) for g in GRADES]


def _sums(
    conn: Connection, scope: Scope, as_of: dt.date, params: MetricParams
) -> CohortSums | None:
    if scope.kind != "all":
        return None
    kept = read_kept_cohorts(conn, as_of, params)
    if kept is not None or as_of != local_today():
        return kept
    return _build_lazily(conn, as_of, params)


def _build_lazily(conn: Connection, as_of: dt.date, params: MetricParams) -> CohortSums:
    version = read_data_version(conn)
    sums = compute_cohort_sums(conn, as_of, params)
    keep_if_unchanged(
        conn.engine,
        version,
        lambda write: _store(write, as_of, params, sums, version),
        f"kept cohorts as of {as_of}",
    )
    return sums


def _store(
    conn: Connection,
    as_of: dt.date,
    params: MetricParams,
    sums: CohortSums,
    version: int | None = None,
) -> None:
    # One day is kept: yesterday's report is of no use to any page.
    conn.execute(delete(KeptCohortReport))
    conn.execute(
        insert(KeptCohortReport).values(
            as_of=as_of,
            params=params_key(params),
            built_at=dt.datetime.now(dt.UTC),
            built_version=read_data_version(conn) if version is None else version,
            figures=json.dumps(_encode(sums), ensure_ascii=False),
        )
    )


def _encode(sums: CohortSums) -> dict[str, Any]:
    return {
        "breakdowns": {
            by or _OVERALL: [dataclasses.astuple(row) for row in rows]
            for by, rows in sums.breakdowns.items()
        },
        "vintage": [dataclasses.astuple(point) for point in sums.vintage],
        "training_days": [dataclasses.astuple(row) for row in sums.training_days],
        "judgement": {
            branch: [dataclasses.astuple(row) for row in rows]
            for branch, rows in sums.judgement.items()
        },
    }


def _decode(document: dict[str, Any]) -> CohortSums:
    return CohortSums(
        breakdowns={
            (by or None): [CohortFigures(*row) for row in rows]
            for by, rows in document["breakdowns"].items()
        },
        vintage=[VintagePoint(*point) for point in document["vintage"]],
        training_days=[TrainingDaysRow(*row) for row in document["training_days"]],
        judgement={
            branch: [GradeOutcome(*row) for row in rows]
            for branch, rows in document["judgement"].items()
        },
    )
