"""Rules inside one file: conditional requirements, ranges, date order, duplicate keys."""

from __future__ import annotations

import pandas as pd

from core.auth.roles import ROLES
from core.importer.messages import Code
from core.importer.problems import ProblemLog

_UNIQUE_CODES = {
    "staff": ["staff_code"],
    "borrowers": ["borrower_code"],
    "loans": ["loan_code"],
    "installments": ["loan_code", "seq"],
}


def check_row_rules(table: str, frame: pd.DataFrame, source: str, log: ProblemLog) -> None:
    """Reports the rules that compare cells of the same row."""
    if table == "staff":
        team_roles = [role.code for role in ROLES if role.needs_team]
        needs_team = frame["role"].isin(team_roles) & (frame["team"] == "")
        log.add_rows(source, frame, needs_team, "team", Code.TEAM_REQUIRED)
    elif table == "loans":
        log.add_rows(
            source,
            frame,
            (frame["principal"] == 0).fillna(False),
            "principal",
            Code.NOT_POSITIVE,
            value_column="principal",
        )
        for column in ("term_months", "cycle"):
            log.add_rows(source, frame, (frame[column] <= 0).fillna(False), column, Code.BELOW_ONE)
        early = (
            (frame["written_off_on"] != "")
            & (frame["disbursed_on"] != "")
            & (frame["written_off_on"] < frame["disbursed_on"])
        )
        log.add_rows(source, frame, early, "written_off_on", Code.BEFORE_DISBURSED)
    elif table == "installments":
        log.add_rows(source, frame, (frame["seq"] <= 0).fillna(False), "seq", Code.BELOW_ONE)


def drop_duplicates(
    table: str,
    frame: pd.DataFrame,
    key: list[str],
    source: str,
    log: ProblemLog,
    warn: bool = True,
) -> pd.DataFrame:
    """Reports duplicate codes within the file; returns the frame, training days once.

    Codes must be unique (an empty code is reported as empty, not as a duplicate).
    Training days are days: the same borrower on the same date twice is one training
    day, whoever trained, so the repeats are dropped with a warning. Visits and time
    entries are events that real exports repeat: every row is kept and counts. `warn`
    False leaves the warning about repeated training days to the caller.
    """
    if table == "repayments":
        with_receipt = frame[frame["receipt_no"] != ""]
        report_repeats(with_receipt, ["receipt_no"], source, log, "receipt_no")
        return frame
    if table in _UNIQUE_CODES:
        columns = _UNIQUE_CODES[table]
        given = frame[columns[0]] != ""
        if len(columns) > 1:
            given &= frame[columns[1]].notna()
        report_repeats(frame[given], columns, source, log, columns[-1])
        return frame
    if table != "training":
        return frame
    complete = frame[(frame[key] != "").all(axis=1)]
    exact = complete.duplicated(key, keep="first")
    if exact.any() and warn:
        log.warn(Code.REPEATED_ROWS, source=source, count=int(exact.sum()))
    return frame.drop(index=complete.index[exact])


def report_repeats(
    frame: pd.DataFrame, key: list[str], source: str, log: ProblemLog, column: str
) -> None:
    """Reports each row of `frame` whose `key` an earlier line already had."""
    repeated = frame[frame.duplicated(key, keep=False)]
    if repeated.empty:
        return
    first_line = repeated.groupby(key, sort=False)["_line"].transform("min")
    later = repeated[repeated["_line"] != first_line]
    for line, value, first in zip(
        later["_line"], later[column], first_line[later.index], strict=True
    ):
        log.add(source, line, column, value, Code.DUPLICATE, {"keys": key, "line": int(first)})
