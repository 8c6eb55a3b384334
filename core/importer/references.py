"""Rules across files: every code refers to a staff member, borrower or loan that exists
in this import or in the database, and officer codes name staff with role officer."""

from __future__ import annotations

import pandas as pd

from core.importer.fast import isin
from core.importer.messages import Code
from core.importer.problems import ProblemLog
from core.importer.spool import FileCodes
from core.importer.stored import StoredState

# (table, column, what it must name); "officer" also requires role officer.
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("borrowers", "officer_code", "officer"),
    ("loans", "officer_code", "officer"),
    ("training", "trainer_code", "staff"),
    ("visits", "officer_code", "staff"),
    ("time_log", "officer_code", "staff"),
    ("training", "borrower_code", "borrower"),
    ("loans", "borrower_code", "borrower"),
    ("visits", "borrower_code", "borrower"),
    ("installments", "loan_code", "loan"),
    ("repayments", "loan_code", "loan"),
)


_TARGET_TABLES = {"officer": "staff", "staff": "staff", "borrower": "borrowers", "loan": "loans"}
# The table and code column a borrower or loan code names.
_CODE_COLUMNS = {"borrower": ("borrowers", "borrower_code"), "loan": ("loans", "loan_code")}


def check_references(
    files: FileCodes,
    rows: dict[str, pd.DataFrame],
    sources: dict[str, str],
    stored: StoredState,
    log: ProblemLog,
) -> None:
    """Reports every code in `rows` that names nothing known, or a non-officer as an
    officer. Known are the stored codes and those of every row of the files (`files`:
    a loan whose principal is refused is still the loan its repayments name)."""
    roles = _merged_roles(files, stored)
    for table, column, target in REFERENCES:
        if table not in rows or _TARGET_TABLES[target] in log.unusable:
            continue
        frame = rows[table]
        cells = frame[column]
        given = cells != ""
        if target in ("officer", "staff"):
            role = cells.map(roles)
            unknown = given & role.isna()
            log.add_rows(
                sources[table],
                frame,
                unknown,
                column,
                Code.UNKNOWN_CODE,
                {"column": "staff_code", "file": "staff.csv"},
            )
            if target == "officer":
                wrong = given & role.notna() & (role != "officer")
                for name in sorted(set(role[wrong])):
                    log.add_rows(
                        sources[table],
                        frame,
                        wrong & (role == name),
                        column,
                        Code.NOT_AN_OFFICER,
                        {"role": name},
                    )
        else:
            table_of, column_of = _CODE_COLUMNS[target]
            unknown = given & ~isin(cells, list(stored.codes(table_of, column_of)))
            if files.has(table_of):
                unknown &= ~isin(cells, files.codes(table_of))
            file_name = {"borrower": "borrowers.csv", "loan": "loans.csv"}[target]
            log.add_rows(
                sources[table],
                frame,
                unknown,
                column,
                Code.UNKNOWN_CODE,
                {"column": f"{target}_code", "file": file_name},
            )


def _merged_roles(files: FileCodes, stored: StoredState) -> pd.Series:
    stored_staff = stored.frame("staff")
    roles = pd.Series(stored_staff["role"].to_numpy(), index=stored_staff["staff_code"])
    if files.staff is not None:
        file_staff = files.staff
        file_roles = pd.Series(file_staff["role"].to_numpy(), index=file_staff["staff_code"])
        # A staff row whose role failed validation still makes its code known.
        file_roles = file_roles.replace("", "unknown")
        roles = pd.concat([roles[~roles.index.isin(file_roles.index)], file_roles])
    return roles[~roles.index.duplicated(keep="last")]
