"""The training records screen: cached loaders and its tables.

Caches are shared by every user, so each loader is keyed on the viewer's scope, the
period or batch, and the data version. The rule's minimum of training days comes from
the rules (one per process), as in the other training figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from app.display import STATUS_COLOURS
from app.i18n import date, money, number, t
from app.resources import get_rules, scoped_cache
from app.widgets import borrower_cells, link_column
from core.auth.scope import Scope
from core.metrics.period import Period
from core.training.exceptions import (
    OfficerExceptions,
    TrainingException,
    count_exceptions_by_officer,
    load_exceptions,
)
from core.training.records import Attendance, Batch, load_attendance, load_batches, parse_batch_key


def min_training_days() -> int:
    """The training rule's minimum (config/rules.yaml, min_training_days)."""
    return get_rules().params.min_training_days


@scoped_cache()
def cached_batches(conn: Connection, scope: Scope, period: Period, version: int) -> list[Batch]:
    """The scope's training batches overlapping the period, newest first."""
    return load_batches(conn, scope, period, min_training_days())


@scoped_cache()
def cached_attendance(
    conn: Connection, scope: Scope, batch_key: str, as_of: dt.date, version: int
) -> Attendance:
    """One batch's attendance grid as of a date (empty outside the scope's reach)."""
    trainer_code, week_start = parse_batch_key(batch_key)
    return load_attendance(conn, scope, trainer_code, week_start, as_of, min_training_days())


@scoped_cache()
def cached_exceptions(
    conn: Connection, scope: Scope, period: Period, version: int
) -> tuple[list[TrainingException], list[OfficerExceptions]]:
    """First loans of the period made with too little training, and the count per officer."""
    days = min_training_days()
    return (
        load_exceptions(conn, scope, period, days),
        count_exceptions_by_officer(conn, scope, period, days),
    )


def trainer_label(batch: Batch) -> str:
    """The batch's trainer as shown ("no trainer recorded" when the day had none)."""
    if batch.trainer_code is None:
        return t("training.no_trainer")
    return f"{batch.trainer_name} ({batch.trainer_code})"


def batch_label(batch: Batch) -> str:
    """A batch in the picker: week, trainer and size (plain text, never HTML)."""
    return t(
        "training.batch_label",
        week=date(batch.week_start),
        trainer=trainer_label(batch),
        borrowers=number(batch.borrowers),
    )


def batches_frame(batches: list[Batch], days: int) -> pd.DataFrame:
    """The batches table: week, trainer, borrowers, completed the rule, first loans."""
    return pd.DataFrame(
        {
            t("training.col.week"): [b.week_start.isoformat() for b in batches],
            t("training.col.trainer"): [trainer_label(b) for b in batches],
            t("training.col.borrowers"): [b.borrowers for b in batches],
            t("training.col.completed", days=days): [b.completed for b in batches],
            t("training.col.first_loans"): [b.first_loans for b in batches],
        }
    )


def _borrower_label(code: str | None, name: str | None) -> str:
    if code is None:
        return t("training.hidden_borrower")
    return f"{code} {name or ''}".strip()


def _coloured(frame: pd.DataFrame, column: str, met_text: str) -> object:
    """The frame with `column` in the shared status colours (met green, else red)."""
    return frame.style.map(
        lambda text: (
            f"color: {STATUS_COLOURS['met' if text == met_text else 'breached']}; font-weight: bold"
        ),
        subset=[column],
    )


def _borrower_columns(
    people: list[tuple[str | None, str | None, str | None]], linked: bool
) -> dict[str, list[object]]:
    """(borrower code, name, loan code) rows as table columns: when the viewer may open
    borrower pages, the code as a link (`link_column`) and the name beside it; else one
    column of code and name (a trainer's, with the borrowers they may not name hidden)."""
    borrower = t("training.col.borrower")
    if not linked:
        return {borrower: [_borrower_label(code, name) for code, name, _ in people]}
    return {
        borrower: [
            None if code is None else borrower_cells([(code, None)], linked=True)[0]
            for code, _, _ in people
        ],
        t("training.col.name"): [
            name or "" if code else t("training.hidden_borrower") for code, name, _ in people
        ],
    }


def borrower_column_config(linked: bool) -> dict[str, Any]:
    """The borrower column of the training tables: a link shown as the code when linked."""
    if not linked:
        return {t("training.col.borrower"): st.column_config.Column(pinned=True)}
    return {t("training.col.borrower"): link_column(pinned=True)}


def render_attendance(grid: Attendance, days: int, *, linked: bool) -> None:
    """Rows borrowers (linked to their page for a viewer who may open it), columns the
    batch's training dates (✓ attended), the days that count, the first loan, and
    whether the rule was met."""
    if not grid.rows:
        st.caption(t("training.no_attendance"))
        return
    table = _borrower_columns([(r.borrower_code, r.borrower_name, None) for r in grid.rows], linked)
    # Month-day keeps the grid narrow on a phone; the year only when a batch spans two.
    heading = "%m-%d" if len({day.year for day in grid.dates}) == 1 else "%Y-%m-%d"
    for day in grid.dates:
        table[day.strftime(heading)] = ["✓" if day in r.attended else "" for r in grid.rows]
    met_text, rule = t("training.rule.met"), t("training.col.rule", days=days)
    table[t("training.col.days")] = [r.days_completed for r in grid.rows]
    table[t("training.col.first_loan")] = [
        t("training.loan.yes") if r.has_first_loan else t("training.loan.not_yet")
        for r in grid.rows
    ]
    table[rule] = [met_text if r.met else t("training.rule.not_met") for r in grid.rows]
    frame = pd.DataFrame(table)
    st.dataframe(
        _coloured(frame, rule, met_text),
        hide_index=True,
        key="training_attendance_table",
        column_config=borrower_column_config(linked),
    )


def exceptions_frame(rows: list[TrainingException], *, linked: bool) -> pd.DataFrame:
    """The exceptions: loan, date, principal, days, officer, team and (if visible)
    borrower; when `linked`, the loan and borrower codes link to the borrower's page
    (see `exceptions_columns`)."""
    return pd.DataFrame(
        {
            t("training.col.loan"): [
                borrower_cells([(e.borrower_code, e.loan_code)], linked=True)[0]
                if linked and e.borrower_code
                else e.loan_code
                for e in rows
            ],
            t("training.col.disbursed"): [e.disbursed_on.isoformat() for e in rows],
            t("training.col.principal"): [money(e.principal) for e in rows],
            t("training.col.days"): [e.days_completed for e in rows],
            t("training.col.officer"): [f"{e.officer_name} ({e.officer_code})" for e in rows],
            t("training.col.team"): [e.team or "" for e in rows],
            **_borrower_columns(
                [(e.borrower_code, e.borrower_name, e.loan_code) for e in rows], linked
            ),
        }
    )


def exceptions_columns(*, linked: bool) -> dict[str, Any]:
    """The exceptions table's loan and borrower links shown as their codes."""
    if not linked:
        return {}
    return {
        t("training.col.loan"): link_column(loan=True),
        t("training.col.borrower"): link_column(),
    }


def officer_counts_frame(rows: list[OfficerExceptions]) -> pd.DataFrame:
    """Per officer: first loans of the period and how many were exceptions."""
    return pd.DataFrame(
        {
            t("training.col.officer"): [f"{o.officer_name} ({o.officer_code})" for o in rows],
            t("training.col.team"): [o.team or "" for o in rows],
            t("training.col.first_loans"): [o.first_loans for o in rows],
            t("training.col.exceptions"): [o.exceptions for o in rows],
        }
    )
