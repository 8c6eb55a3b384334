"""Rules inside one file: conditional requirements, ranges, date order, duplicate keys."""

from __future__ import annotations

import pandas as pd

from core.importer.problems import ProblemLog

# Tables whose rows are matched on several columns; an exact repeat is counted once.
_COUNTED_ONCE = {"training", "visits", "time_log"}
_UNIQUE_CODES = {
    "staff": ["staff_code"],
    "borrowers": ["borrower_code"],
    "loans": ["loan_code"],
    "installments": ["loan_code", "seq"],
}


def check_row_rules(table: str, frame: pd.DataFrame, source: str, log: ProblemLog) -> None:
    """Reports the rules that compare cells of the same row."""
    if table == "staff":
        needs_team = frame["role"].isin(["officer", "team_leader"]) & (frame["team"] == "")
        log.add_rows(source, frame, needs_team, "team", "is required for officers and team leaders")
    elif table == "loans":
        log.add_rows(
            source,
            frame,
            (frame["principal"] == 0).fillna(False),
            "principal",
            "must be more than 0",
            value_column="principal",
        )
        for column in ("term_months", "cycle"):
            log.add_rows(
                source, frame, (frame[column] <= 0).fillna(False), column, "must be 1 or more"
            )
        early = (
            (frame["written_off_on"] != "")
            & (frame["disbursed_on"] != "")
            & (frame["written_off_on"] < frame["disbursed_on"])
        )
        log.add_rows(source, frame, early, "written_off_on", "is before the loan's disbursed_on")
    elif table == "installments":
        log.add_rows(source, frame, (frame["seq"] <= 0).fillna(False), "seq", "must be 1 or more")


def drop_duplicates(
    table: str, frame: pd.DataFrame, key: list[str], source: str, log: ProblemLog
) -> pd.DataFrame:
    """Reports duplicate keys within the file and returns the frame with repeats removed.

    Codes must be unique. Training days, visits and time entries are matched on all
    their key columns, so an exact repeat of a row is counted once; a repeat of the key
    with different values is an error because the import cannot tell which is right.
    """
    if table == "repayments":
        with_receipt = frame[frame["receipt_no"] != ""]
        _report_repeats(with_receipt, ["receipt_no"], source, log, "receipt_no")
        return frame
    if table in _UNIQUE_CODES:
        columns = _UNIQUE_CODES[table]
        _report_repeats(frame, columns, source, log, columns[-1])
        return frame
    if table not in _COUNTED_ONCE:
        return frame
    complete = frame[(frame[key] != "").all(axis=1)]
    if not complete.duplicated(key).any():
        return frame
    value_columns = [c for c in frame.columns if c not in key and c != "_line"]
    conflicting = pd.Series(False, index=complete.index)
    if table != "training":  # the same borrower and day twice counts once, whoever trained
        repeated = complete[complete.duplicated(key, keep=False)]
        variants = repeated.drop_duplicates([*key, *value_columns]).groupby(key).size()
        conflict_keys = variants[variants > 1].index
        conflicting = pd.Series(
            pd.MultiIndex.from_frame(complete[key]).isin(
                conflict_keys
                if isinstance(conflict_keys, pd.MultiIndex)
                else pd.MultiIndex.from_arrays([conflict_keys])
            ),
            index=complete.index,
        )
        _report_repeats(
            complete[conflicting], key, source, log, value_columns[0], "same", value_columns
        )
    exact = complete.duplicated(key, keep="first") & ~conflicting
    if exact.any():
        log.warn(f"{source}: {int(exact.sum())} repeated row(s) counted once")
    return frame.drop(index=complete.index[exact])


def _report_repeats(
    frame: pd.DataFrame,
    key: list[str],
    source: str,
    log: ProblemLog,
    column: str,
    kind: str = "duplicate",
    value_columns: list[str] | None = None,
) -> None:
    repeated = frame[frame.duplicated(key, keep=False)]
    if repeated.empty:
        return
    first_line = repeated.groupby(key, sort=False)["_line"].transform("min")
    later = repeated[repeated["_line"] != first_line]
    for (_, row), first in zip(later.iterrows(), first_line[later.index], strict=True):
        if kind == "duplicate":
            message = f"duplicate {' and '.join(key)}: line {first} has the same"
        else:
            message = (
                f"same {', '.join(key)} as line {first} but a different "
                f"{' or '.join(value_columns or [])}"
            )
        log.add(source, row["_line"], column, row[column], message)
