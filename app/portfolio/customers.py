"""The judgement and customers screen: cached loaders and its two charts.

Caches are shared by every user, so each loader is keyed on the scope (or the branch for
the branch-wide aggregate an officer compares with) and the data version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import pandas as pd
from sqlalchemy import Connection

from app.display import configured_name
from app.i18n import number, percent, t
from app.resources import get_exit_reasons, get_rules, scoped_cache
from app.widgets import borrower_cells, link_column
from core.auth.scope import Scope
from core.metrics.kept_cohorts import branch_judgement
from core.metrics.views import GradeOutcome, compute_judgement
from core.portfolio.customers import Leaver, load_leavers

# Officer against branch, in the same two colours on every chart of this screen.
SERIES_COLOURS = ("#1f77b4", "#9e9e9e")


@scoped_cache()
def cached_judgement(
    conn: Connection, scope: Scope, as_of: dt.date, version: int
) -> list[GradeOutcome]:
    """Loans by appraisal grade and how they turned out, for a scope."""
    return compute_judgement(conn, scope, as_of)


@scoped_cache()
def cached_branch_judgement(
    conn: Connection, scope: Scope, as_of: dt.date, version: int
) -> list[GradeOutcome]:
    """The same for a whole branch (`scope` of kind branch), kept with the cohorts for
    today (core.metrics.kept_cohorts): a branch's every loan is not read per page."""
    return branch_judgement(conn, scope.branch or "", as_of, get_rules().params)


@scoped_cache()
def cached_leavers(
    conn: Connection, scope: Scope, codes: tuple[str, ...], as_of: dt.date, version: int
) -> list[Leaver]:
    """The leavers among `codes` that the scope may see, with their exit reasons."""
    return load_leavers(conn, scope, codes, as_of)


def exit_reason_name(code: str | None) -> str:
    """The reason's name in the reader's language ("not recorded" when none)."""
    if code is None:
        return t("customers.no_reason")
    return configured_name(get_exit_reasons(), code)


def grade_label(grade: str) -> str:
    """A grade as shown ("no grade" for loans without one)."""
    return grade or t("customers.no_grade")


def judgement_chart(mine: list[GradeOutcome], branch: list[GradeOutcome]) -> alt.Chart:
    """Ever-30 rate per appraisal grade, the officer's bar beside the branch's."""
    grade, rate, who, loans = (
        t("customers.chart.grade"),
        t("customers.chart.ever30"),
        t("customers.chart.who"),
        t("customers.col.loans"),
    )
    names = (t("customers.me"), t("customers.branch"))
    rows = [
        {
            grade: grade_label(o.grade),
            who: name,
            rate: None if o.ever_par30_rate is None else float(o.ever_par30_rate * 100),
            loans: o.loans,
        }
        for name, outcomes in zip(names, (mine, branch), strict=True)
        for o in outcomes
        if o.loans
    ]
    frame = pd.DataFrame(rows, columns=[grade, who, rate, loans])
    order = [grade_label(o.grade) for o in mine]
    return (
        alt.Chart(frame, title=t("customers.chart.ever30_title"))
        .mark_bar()
        .encode(
            x=alt.X(f"{grade}:N", title=grade, sort=order),
            xOffset=alt.XOffset(f"{who}:N", sort=list(names)),
            y=alt.Y(f"{rate}:Q", title=f"{rate} (%)"),
            color=alt.Color(
                f"{who}:N",
                title=who,
                sort=list(names),
                scale=alt.Scale(domain=list(names), range=list(SERIES_COLOURS)),
            ),
            tooltip=[grade, who, loans, alt.Tooltip(f"{rate}:Q", format=".1f")],
        )
        .properties(height=240)
    )


def reasons_chart(counts: list[tuple[str | None, int]]) -> alt.Chart:
    """Leavers per exit reason, as horizontal bars (most frequent on top)."""
    reason, borrowers = t("customers.chart.reason"), t("customers.chart.borrowers")
    frame = pd.DataFrame(
        [{reason: exit_reason_name(code), borrowers: n} for code, n in counts],
        columns=[reason, borrowers],
    )
    return (
        alt.Chart(frame, title=t("customers.chart.reasons_title"))
        .mark_bar(color=SERIES_COLOURS[0])
        .encode(
            y=alt.Y(f"{reason}:N", title=None, sort="-x"),
            x=alt.X(f"{borrowers}:Q", title=borrowers, axis=alt.Axis(tickMinStep=1)),
            tooltip=[reason, borrowers],
        )
        .properties(height=max(80, 32 * len(counts)))
    )


def _grade_columns(outcomes: list[GradeOutcome]) -> dict[str, list[str]]:
    return {
        t("customers.col.loans"): [number(o.loans) for o in outcomes],
        t("customers.col.ever30"): [percent(o.ever_par30_rate) for o in outcomes],
        t("customers.col.recovery"): [percent(o.recovery_rate) for o in outcomes],
    }


def grade_comparison(mine: list[GradeOutcome], branch: list[GradeOutcome]) -> pd.DataFrame | None:
    """A row per grade that has loans: each column for me, then for my branch (None: no
    loans at all)."""
    rows = [(m, b) for m, b in zip(mine, branch, strict=True) if m.loans or b.loans]
    if not rows:
        return None
    table = {t("customers.chart.grade"): [grade_label(m.grade) for m, _ in rows]}
    ours = _grade_columns([m for m, _ in rows])
    theirs = _grade_columns([b for _, b in rows])
    for label in ours:
        table[f"{label} · {t('customers.me')}"] = ours[label]
        table[f"{label} · {t('customers.branch')}"] = theirs[label]
    return pd.DataFrame(table)


def leavers_table(leavers: list[Leaver], with_reason: bool) -> pd.DataFrame:
    """Borrowers (a link to their page, see `leavers_columns`) with name, village and
    repayment date, and (for leavers) reason and last visit. Names and villages are
    imported text: a dataframe shows them as text, never HTML."""
    table = {
        t("customers.col.borrower"): borrower_cells(
            [(x.borrower_code, None) for x in leavers], linked=True
        ),
        t("customers.col.name"): [x.name for x in leavers],
        t("customers.col.village"): [x.village for x in leavers],
        t("customers.col.repaid_on"): [
            x.repaid_on.isoformat() if x.repaid_on else "" for x in leavers
        ],
    }
    if with_reason:
        table[t("customers.col.reason")] = [exit_reason_name(x.exit_reason) for x in leavers]
        table[t("customers.col.last_visit")] = [
            x.last_visit_on.isoformat() if x.last_visit_on else t("customers.never")
            for x in leavers
        ]
    return pd.DataFrame(table)


def leavers_columns() -> dict[str, Any]:
    """The leavers tables' borrower column shows each link as the borrower's code (the
    customers page is an officer's, who may open their borrowers' pages)."""
    return {t("customers.col.borrower"): link_column()}
