"""Reads what the database already holds, in the import files' vocabulary (codes, ISO
dates, cents), so that file rows and stored rows can be compared column by column."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, text

from core.importer.scope import scope_filter

# Each query returns `id` plus the table's columns under their import-file names.
# Dates are cast to text: SQLite stores ISO text already, PostgreSQL renders ISO.
_QUERIES: dict[str, str] = {
    "staff": """
        SELECT id, staff_code, name, role, branch, COALESCE(team, '') AS team,
               COALESCE(CAST(hired_on AS TEXT), '') AS hired_on
        FROM staff""",
    "borrowers": """
        SELECT b.id, b.borrower_code, b.name, s.staff_code AS officer_code, b.village,
               COALESCE(b.group_code, '') AS group_code, CAST(b.joined_on AS TEXT) AS joined_on,
               COALESCE(b.business_type, '') AS business_type, COALESCE(b.phone, '') AS phone,
               COALESCE(b.id_number, '') AS id_number
        FROM borrowers b JOIN staff s ON s.id = b.officer_id""",
    "training": """
        SELECT t.id, b.borrower_code, CAST(t.attended_on AS TEXT) AS attended_on,
               COALESCE(s.staff_code, '') AS trainer_code, t.source
        FROM training_days t JOIN borrowers b ON b.id = t.borrower_id
        LEFT JOIN staff s ON s.id = t.trainer_id""",
    "loans": """
        SELECT l.id, l.loan_code, b.borrower_code, s.staff_code AS officer_code,
               CAST(l.disbursed_on AS TEXT) AS disbursed_on, l.principal_cents AS principal,
               COALESCE(CAST(l.annual_rate AS TEXT), '') AS annual_rate, l.term_months,
               l.cycle, COALESCE(l.appraisal_grade, '') AS appraisal_grade,
               COALESCE(l.product, '') AS product, COALESCE(l.purpose, '') AS purpose,
               COALESCE(CAST(l.written_off_on AS TEXT), '') AS written_off_on
        FROM loans l JOIN borrowers b ON b.id = l.borrower_id
        JOIN staff s ON s.id = l.officer_id""",
    "installments": """
        SELECT i.id, l.loan_code, i.seq, CAST(i.due_date AS TEXT) AS due_date,
               i.principal_due_cents AS principal_due, i.interest_due_cents AS interest_due,
               i.principal_before_cents
        FROM installments i JOIN loans l ON l.id = i.loan_id""",
    "repayments": """
        SELECT r.id, l.loan_code, CAST(r.paid_on AS TEXT) AS paid_on,
               r.principal_paid_cents AS principal_paid, r.interest_paid_cents AS interest_paid,
               COALESCE(r.receipt_no, '') AS receipt_no
        FROM repayments r JOIN loans l ON l.id = r.loan_id""",
    "visits": """
        SELECT v.id, s.staff_code AS officer_code, b.borrower_code,
               CAST(v.visited_on AS TEXT) AS visited_on, v.purpose,
               COALESCE(v.outcome, '') AS outcome, COALESCE(v.notes, '') AS notes, v.source
        FROM visits v JOIN staff s ON s.id = v.officer_id
        JOIN borrowers b ON b.id = v.borrower_id""",
    "time_log": """
        SELECT t.id, s.staff_code AS officer_code, CAST(t.work_date AS TEXT) AS work_date,
               t.activity, t.hours_hundredths AS hours, t.source
        FROM time_log t JOIN staff s ON s.id = t.officer_id""",
}

# With a scope (core.importer.scope), the rows whose codes it holds: what one partition
# of an import is checked and compared against.
_SCOPED: dict[str, str] = {
    "borrowers": f"b.borrower_code IN ({scope_filter('borrower')})",
    "training": f"b.borrower_code IN ({scope_filter('borrower')})",
    "loans": f"l.loan_code IN ({scope_filter('loan')})",
    "installments": f"l.loan_code IN ({scope_filter('loan')})",
    # A UNION, not "loan IN (...) OR receipt IN (...)": PostgreSQL cannot turn an OR of
    # subqueries into joins, and with more codes than work_mem holds it probed the scope
    # once per stored repayment (half an hour for one partition of the large demo).
    "repayments": "r.id IN (SELECT r2.id FROM repayments r2 JOIN loans l2 ON l2.id = r2.loan_id"
    f" WHERE l2.loan_code IN ({scope_filter('loan')})"
    f" UNION SELECT r3.id FROM repayments r3 WHERE r3.receipt_no IN ({scope_filter('receipt')}))",
    "visits": f"s.staff_code IN ({scope_filter('officer')})",
    "time_log": f"s.staff_code IN ({scope_filter('officer')})",
}
_SCOPED_CODES = {"borrowers": "borrower", "loans": "loan"}
FETCH_ROWS = 100_000
_INT_COLUMNS = {
    "loans": ("principal", "term_months", "cycle"),
    "installments": ("seq", "principal_due", "interest_due", "principal_before_cents"),
    "repayments": ("principal_paid", "interest_paid"),
    "time_log": ("hours",),
}


def load_existing(conn: Connection, table: str, scoped: bool = False) -> pd.DataFrame:
    """The stored rows of one import table, shaped like the typed import frame plus `id`:
    all of them, or (`scoped`) those of the codes in the import's scope table."""
    # The driver's own cursor hands back plain tuples (a frame built from SQLAlchemy
    # Row objects costs ten times as much); fetching in chunks and typing each chunk
    # keeps a million Python tuples from piling up at once.
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    chunks: list[pd.DataFrame] = []
    try:
        query = _QUERIES[table]
        if scoped and table in _SCOPED:
            query += f" WHERE {_SCOPED[table]}"
        cursor.execute(query)
        columns = [d[0] for d in cursor.description]
        while True:
            rows = cursor.fetchmany(FETCH_ROWS)
            chunks.append(_typed(table, pd.DataFrame.from_records(rows, columns=columns)))
            if len(rows) < FETCH_ROWS:
                break
    finally:
        cursor.close()
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    if table == "loans":
        frame["annual_rate"] = frame["annual_rate"].map(_normal_rate)
    return frame


def _typed(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if column in _INT_COLUMNS.get(table, ()) or column == "id":
            frame[column] = pd.to_numeric(frame[column]).astype("Int64")
        else:
            frame[column] = frame[column].astype(str)
    return frame


def _normal_rate(value: str) -> str:
    # SQLite keeps NUMERIC as REAL; PostgreSQL pads to the column's scale. Both read back
    # as the same text the importer produces for the file's value.
    from decimal import Decimal

    if value == "":
        return ""
    return format(Decimal(value).quantize(Decimal("1e-8")).normalize(), "f")


def load_code_ids(
    conn: Connection, table: str, code_column: str, scoped: bool = False
) -> dict[str, int]:
    """Maps every stored code of a table (`scoped`: those in the import's scope table,
    for borrowers and loans) to its row id."""
    query = f"SELECT {code_column}, id FROM {table}"
    if scoped and table in _SCOPED_CODES:
        query += f" WHERE {code_column} IN ({scope_filter(_SCOPED_CODES[table])})"
    rows = conn.execute(text(query))
    return {code: row_id for code, row_id in rows}
