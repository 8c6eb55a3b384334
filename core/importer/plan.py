"""Decides what an import will write: checks every rule, then compares with stored rows."""

from __future__ import annotations

import pandas as pd

from core.importer.changes import TableChanges, compute_changes, with_occurrence
from core.importer.problems import ProblemLog
from core.importer.references import check_references
from core.importer.schedules import (
    check_day_hours,
    check_installments,
    check_repayments,
    merged_loans,
)
from core.importer.spec import SPECS
from core.importer.stored import StoredState

_DERIVED = {"installments": ["principal_before_cents"]}


def plan_import(
    typed: dict[str, pd.DataFrame],
    sources: dict[str, str],
    stored: StoredState,
    log: ProblemLog,
) -> dict[str, TableChanges]:
    """Checks the cross-file rules; if none fails, returns each table's changes."""
    check_references(typed, sources, stored, log)
    if log.problems:
        # Sums and dates over unknown loans would only repeat the same problems.
        return {}
    desired = dict(typed)
    loans = merged_loans(typed, stored)
    if "loans" in typed or "installments" in typed:
        desired["installments"] = check_installments(typed, sources, stored, loans, log)
    if "loans" in typed or "repayments" in typed:
        desired["repayments"] = check_repayments(typed, sources, stored, loans, log)
    check_day_hours(typed, sources, stored, log)
    if log.problems:
        return {}
    changes: dict[str, TableChanges] = {}
    for table, frame in desired.items():
        if table == "repayments":
            changes[table] = _repayment_changes(frame, stored.frame("repayments"))
            continue
        spec = SPECS[table]
        key = list(spec.key)
        values = [c.name for c in spec.columns if c.name not in key] + _DERIVED.get(table, [])
        changes[table] = compute_changes(frame, stored.frame(table), key, values)
    return changes


def _repayment_changes(desired: pd.DataFrame, stored: pd.DataFrame) -> TableChanges:
    values = ["loan_code", "paid_on", "principal_paid", "interest_paid"]
    with_receipt = compute_changes(
        desired[desired["receipt_no"] != ""],
        stored[stored["receipt_no"] != ""],
        ["receipt_no"],
        values,
    )
    key = [*values, "_occurrence"]
    unnumbered = compute_changes(
        _numbered(desired[desired["receipt_no"] == ""]),
        _numbered(stored[stored["receipt_no"] == ""]),
        key,
        ["receipt_no"],
    )
    return TableChanges(
        inserts=pd.concat(
            [with_receipt.inserts, unnumbered.inserts.drop(columns="_occurrence")],
            ignore_index=True,
        ).assign(interest_paid=lambda f: f["interest_paid"].replace(-1, pd.NA)),
        updates=with_receipt.updates,
        unchanged=with_receipt.unchanged + unnumbered.unchanged,
    )


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    filled = frame.assign(interest_paid=frame["interest_paid"].fillna(-1))
    if "_occurrence" in frame.columns:  # numbered already, in schedules._merge_unnumbered
        return filled.assign(_occurrence=filled["_occurrence"].astype("int64"))
    return with_occurrence(filled, ["loan_code", "paid_on", "principal_paid", "interest_paid"])
