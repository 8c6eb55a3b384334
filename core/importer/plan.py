"""Decides what an import will write: checks every rule, then compares with stored rows.

The rules across files run even when rows already failed their own cells, so that one
report lists every problem: references are checked on the rows whose cells passed, and
the rules over a whole loan or day on the loans and days none of whose rows failed.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from core.importer.changes import TableChanges, compute_changes, group_changes
from core.importer.problems import ProblemLog
from core.importer.references import check_references
from core.importer.schedules import (
    check_day_hours,
    check_installments,
    check_repayments,
    merged_loans,
)
from core.importer.spec import SPECS
from core.importer.spool import FileCodes
from core.importer.stored import StoredState

_DERIVED = {"installments": ["principal_before_cents"]}
_LOAN_TABLES = ("loans", "installments", "repayments")
# Events: the file's rows of a group (the spec's key) replace the stored imported rows
# of that group.
EVENT_GROUPS = {table: list(SPECS[table].key) for table in ("visits", "time_log")}


def plan_import(
    typed: dict[str, pd.DataFrame],
    sources: dict[str, str],
    stored: StoredState,
    log: ProblemLog,
    files: FileCodes,
    incomplete: Collection[str] = (),
) -> dict[str, TableChanges]:
    """Checks the cross-file rules; if no rule failed anywhere, returns each table's changes.

    `typed` holds the rows of one partition (core.importer.spool): every row of the
    loans, borrowers or officers it holds; `files` what the rules need of the others.
    `incomplete` names the tables whose file lacks a required column (already reported).
    Once the rules are checked, each table's frame is taken out of `typed` (and its
    stored rows out of `stored`) as soon as its changes are known, so that the memory of
    the tables already compared is free for the next ones.
    """
    check_references(files, _passed(typed, sources, log), sources, stored, log)
    checked = _passed(typed, sources, log)
    whole_loans = not (set(_LOAN_TABLES) & (set(incomplete) | log.unusable))
    if log.problems:
        checked = _untainted(checked, typed, sources, log)
    desired = dict(checked)
    if whole_loans:
        loans = merged_loans(checked, stored)
        if "loans" in checked or "installments" in checked:
            desired["installments"] = check_installments(checked, sources, stored, loans, log)
        if "loans" in checked or "repayments" in checked:
            check_repayments(checked, sources, stored, loans, log)
    if "time_log" not in incomplete:
        check_day_hours(checked, sources, stored, log)
    if log.problems:
        return {}
    del checked
    changes: dict[str, TableChanges] = {}
    for table in list(desired):
        frame = desired.pop(table)
        typed.pop(table, None)
        spec = SPECS[table]
        values = [c.name for c in spec.columns]
        if table == "repayments":
            changes[table] = _repayment_changes(frame, stored.frame("repayments"))
        elif table in EVENT_GROUPS:
            group = EVENT_GROUPS[table]
            imported = stored.frame(table)
            imported = imported[imported["source"] == "import"]
            rest = [v for v in values if v not in group]
            changes[table] = group_changes(frame, imported, group, rest)
        else:
            key = list(spec.key)
            rest = [v for v in values if v not in key] + _DERIVED.get(table, [])
            changes[table] = compute_changes(frame, stored.frame(table), key, rest)
            if table == "training":
                changes[table] = _app_days_kept(changes[table], stored.frame(table))
        del frame
        stored.forget(table)
    return changes


def _app_days_kept(changes: TableChanges, stored: pd.DataFrame) -> TableChanges:
    """The training changes without updates of days the training register recorded: the
    file's day of the same borrower and date is the same day (it counts once either
    way), and an import never replaces what people entered in the app (spec v1.1)."""
    app_ids = stored.loc[stored["source"] == "app", "id"]
    if app_ids.empty or changes.updates.empty:
        return changes
    of_app = changes.updates["id"].isin(app_ids)
    changes.updates = changes.updates[~of_app].reset_index(drop=True)
    changes.unchanged += int(of_app.sum())
    return changes


def _passed(
    typed: dict[str, pd.DataFrame], sources: dict[str, str], log: ProblemLog
) -> dict[str, pd.DataFrame]:
    """Each file's rows without a problem so far (the frames themselves when none has)."""
    if not log.problems:
        return typed
    passed = {}
    for table, frame in typed.items():
        bad = log.lines(sources[table])
        passed[table] = frame[~frame["_line"].isin(bad)] if bad else frame
    return passed


def _untainted(
    checked: dict[str, pd.DataFrame],
    typed: dict[str, pd.DataFrame],
    sources: dict[str, str],
    log: ProblemLog,
) -> dict[str, pd.DataFrame]:
    """`checked` without the loans and the officers' days that have a row with a problem:
    a sum over a loan or a day with a row missing would only report a false total."""
    tainted: set[str] = set()
    for table in _LOAN_TABLES:
        if table in typed:
            frame = typed[table]
            tainted |= set(frame.loc[frame["_line"].isin(log.lines(sources[table])), "loan_code"])
    clean = dict(checked)
    for table in _LOAN_TABLES:
        if table in clean and tainted:
            clean[table] = clean[table][~clean[table]["loan_code"].isin(tainted)]
    if "time_log" in typed:
        frame = typed["time_log"]
        day = ["officer_code", "work_date"]
        bad_days = frame.loc[frame["_line"].isin(log.lines(sources["time_log"])), day]
        if not bad_days.empty:
            days = pd.MultiIndex.from_frame(clean["time_log"][day])
            clean["time_log"] = clean["time_log"][
                ~days.isin(pd.MultiIndex.from_frame(bad_days.drop_duplicates()))
            ]
    return clean


def _repayment_changes(desired: pd.DataFrame, stored: pd.DataFrame) -> TableChanges:
    # With a receipt_no: matched on it, updated in place. Without: per loan and day, the
    # file's payments replace the stored ones of that loan and day.
    values = ["loan_code", "paid_on", "principal_paid", "interest_paid"]
    with_receipt = compute_changes(
        desired[desired["receipt_no"] != ""],
        stored[stored["receipt_no"] != ""],
        ["receipt_no"],
        values,
    )
    by_day = group_changes(
        desired[desired["receipt_no"] == ""],
        stored[stored["receipt_no"] == ""],
        ["loan_code", "paid_on"],
        ["principal_paid", "interest_paid"],
    )
    return TableChanges(
        inserts=pd.concat(
            [with_receipt.inserts, by_day.inserts.assign(receipt_no="")], ignore_index=True
        ),
        updates=with_receipt.updates,
        unchanged=with_receipt.unchanged + by_day.unchanged,
        deletes=by_day.deletes,
    )
