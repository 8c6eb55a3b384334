"""Rules over a loan's whole schedule and repayments, on the state after the import.

A partial import (say, this month's repayments.csv alone) is checked against what the
database already holds: the rows of the file replace or join the stored rows of the same
loans, and the rules hold for the result. Each function returns the loans' resulting
rows (the "desired" state) for the planner to compare with what is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from core.importer.fast import isin
from core.importer.messages import Code, Value
from core.importer.problems import ProblemLog, format_cents
from core.importer.stored import StoredState

_REPAYMENT_KEY = ["loan_code", "paid_on", "principal_paid", "interest_paid"]
# A problem's code and values for one row of the merged frame.
RowMessage = Callable[[dict[str, Any]], tuple[Code, dict[str, Value]]]


def merged_loans(typed: dict[str, pd.DataFrame], stored: StoredState) -> pd.DataFrame:
    """loan_code → disbursed_on, principal (cents) and the loans.csv line, after import."""
    columns = ["loan_code", "disbursed_on", "principal"]
    loans = stored.frame("loans")[columns].assign(_line=pd.NA)
    if "loans" in typed:
        file_loans = typed["loans"][[*columns, "_line"]]
        loans = pd.concat([loans[~isin(loans["loan_code"], file_loans["loan_code"])], file_loans])
    return loans.drop_duplicates("loan_code", keep="last").set_index("loan_code")


def check_installments(
    typed: dict[str, pd.DataFrame],
    sources: dict[str, str],
    stored: StoredState,
    loans: pd.DataFrame,
    log: ProblemLog,
) -> pd.DataFrame:
    """Due dates on or after disbursement; a loan's installments sum to its principal."""
    file_rows = typed.get("installments", pd.DataFrame(columns=["loan_code", "seq", "_line"]))
    touched = _touched_loans(typed, "installments", loans)
    kept = stored.frame("installments")
    kept = kept[isin(kept["loan_code"], touched)]
    kept = kept.merge(file_rows[["loan_code", "seq"]], how="left", indicator=True)
    kept = kept[kept["_merge"] == "left_only"].drop(columns=["_merge"]).assign(_line=pd.NA)
    rows = pd.concat([kept, file_rows], ignore_index=True)
    rows = rows[isin(rows["loan_code"], touched)]
    disbursed = rows["loan_code"].map(loans["disbursed_on"])
    early = (rows["due_date"] != "") & (disbursed != "") & (rows["due_date"] < disbursed)
    _report(
        rows,
        early,
        loans,
        sources,
        log,
        "installments",
        "due_date",
        "disbursed_on",
        lambda r: (Code.BEFORE_DISBURSED_ON, {"date": str(r["disbursed"])}),
        lambda r: (
            Code.AFTER_STORED_INSTALLMENT,
            {"date": str(r["due_date"]), "seq": str(r["seq"])},
        ),
        disbursed=disbursed,
    )
    rows = rows.sort_values(["loan_code", "due_date", "seq"], kind="stable")
    due = pd.to_numeric(rows["principal_due"]).astype("Int64")
    rows["principal_before_cents"] = (due.groupby(rows["loan_code"]).cumsum() - due).astype("Int64")
    incomplete = rows.loc[due.isna() | (rows["due_date"] == ""), "loan_code"].unique()
    totals = due.groupby(rows["loan_code"]).sum().reindex(list(touched), fill_value=0)
    principal = loans["principal"].reindex(totals.index)
    wrong = totals[(totals != principal) & principal.notna()].drop(
        index=incomplete, errors="ignore"
    )
    for loan_code, total in wrong.items():
        _report_sum(
            rows,
            loans,
            sources,
            log,
            "installments",
            "principal_due",
            str(loan_code),
            Code.INSTALLMENTS_SUM,
            {
                "loan": str(loan_code),
                "total": format_cents(int(total)),
                "principal": format_cents(int(principal[loan_code])),
            },
            int(total),
        )
    return (
        rows.assign(_from_file=rows["_line"].notna()).drop(columns=["_line"]).reset_index(drop=True)
    )


def check_repayments(
    typed: dict[str, pd.DataFrame],
    sources: dict[str, str],
    stored: StoredState,
    loans: pd.DataFrame,
    log: ProblemLog,
) -> None:
    """Paid on or after disbursement; a loan's repayments never sum above its principal.

    Checked on each touched loan's repayments after the import: stored ones the file does
    not replace (another receipt_no; without a receipt, another day) and the file's.
    """
    file_rows = typed.get(
        "repayments", pd.DataFrame(columns=[*_REPAYMENT_KEY, "receipt_no", "_line"])
    )
    touched = _touched_loans(typed, "repayments", loans)
    kept = stored.frame("repayments")
    kept = kept[isin(kept["loan_code"], touched)].assign(_line=pd.NA)
    with_receipt = kept[
        (kept["receipt_no"] != "") & ~isin(kept["receipt_no"], file_rows["receipt_no"])
    ]
    rows = pd.concat(
        [with_receipt, unnumbered_kept(kept, file_rows), file_rows],
        ignore_index=True,
    )
    rows = rows[isin(rows["loan_code"], touched)]
    disbursed = rows["loan_code"].map(loans["disbursed_on"])
    early = (rows["paid_on"] != "") & (disbursed != "") & (rows["paid_on"] < disbursed)
    _report(
        rows,
        early,
        loans,
        sources,
        log,
        "repayments",
        "paid_on",
        "disbursed_on",
        lambda r: (Code.BEFORE_DISBURSED_ON, {"date": str(r["disbursed"])}),
        lambda r: (Code.AFTER_STORED_REPAYMENT, {"date": str(r["paid_on"])}),
        disbursed=disbursed,
    )
    paid = pd.to_numeric(rows["principal_paid"]).fillna(0).astype("int64")
    running = paid.groupby(rows["loan_code"]).cumsum()
    # to_numeric: mapping an empty column keeps its text dtype, which cannot compare.
    principal = pd.to_numeric(rows["loan_code"].map(loans["principal"])).astype("Int64")
    over = (running > principal).fillna(False).astype(bool)
    totals = paid.groupby(rows["loan_code"]).sum()
    for row in rows[over].drop_duplicates("loan_code").to_dict("records"):
        loan_code = row["loan_code"]
        total = int(totals[loan_code])
        limit = format_cents(int(loans.at[loan_code, "principal"]))
        _report_sum(
            rows,
            loans,
            sources,
            log,
            "repayments",
            "principal_paid",
            loan_code,
            Code.REPAYMENTS_SUM,
            {"loan": str(loan_code), "total": format_cents(total), "principal": limit},
            total,
            line=row["_line"],
        )


def unnumbered_kept(stored: pd.DataFrame, file_rows: pd.DataFrame) -> pd.DataFrame:
    """The stored repayments without a receipt that an import of `file_rows` keeps.

    Those are matched per loan and day: the file's receipt-less payments of a loan on a
    day replace the stored ones of that loan and day; other days stay as they were.
    """
    day = ["loan_code", "paid_on"]
    stored_rows = stored[stored["receipt_no"] == ""]
    file_days = file_rows.loc[file_rows["receipt_no"] == "", day].drop_duplicates()
    if file_days.empty or stored_rows.empty:
        return stored_rows
    replaced = pd.MultiIndex.from_frame(stored_rows[day]).isin(pd.MultiIndex.from_frame(file_days))
    return stored_rows[~replaced]


def check_day_hours(
    typed: dict[str, pd.DataFrame],
    sources: dict[str, str],
    stored: StoredState,
    log: ProblemLog,
) -> None:
    """A person's hours on one day are at most 24: the file's rows of that day (which
    replace the day's imported rows) plus the entries made in the app that day."""
    if "time_log" not in typed or typed["time_log"].empty:
        return
    file_rows = typed["time_log"]
    day = ["officer_code", "work_date"]
    totals = file_rows.groupby(day)["hours"].sum()
    app = stored.frame("time_log")
    app = app[app["source"] == "app"]
    app_hours = app.groupby(day)["hours"].sum().reindex(totals.index, fill_value=0)
    over = (totals + app_hours)[(totals + app_hours) > 2400]
    if over.empty:
        return
    over_rows = file_rows.merge(over.index.to_frame(index=False), on=day)
    lines = over_rows.groupby(day)["_line"].agg(sorted)
    for (officer, date), hundredths in over.items():
        day_lines = [int(line) for line in lines[(officer, date)]]
        in_app = int(app_hours[(officer, date)])
        values: dict[str, Value] = {
            "officer": str(officer),
            "date": str(date),
            "hours": format_cents(int(hundredths)),
            "lines": day_lines,
        }
        if in_app:
            values["app"] = format_cents(in_app)
        log.add(
            sources["time_log"],
            day_lines[0],
            "hours",
            format_cents(int(hundredths)),
            _DAY_OVER_24[len(day_lines) > 1, bool(in_app)],
            values,
        )


# (more than one line, hours entered in the app) → the code that words it.
_DAY_OVER_24 = {
    (False, False): Code.DAY_OVER_24_LINE,
    (True, False): Code.DAY_OVER_24_LINES,
    (False, True): Code.DAY_OVER_24_LINE_APP,
    (True, True): Code.DAY_OVER_24_LINES_APP,
}


def _touched_loans(typed: dict[str, pd.DataFrame], table: str, loans: pd.DataFrame) -> set[str]:
    touched: set[str] = set()
    if "loans" in typed:
        touched |= _codes(typed["loans"]["loan_code"])
    if table in typed:
        touched |= _codes(typed[table]["loan_code"])
    return touched & _codes(loans.index)


def _codes(series: pd.Series | pd.Index) -> set[str]:
    # Through NumPy: iterating an Arrow-backed column yields one element at a time, five
    # times slower.
    codes: list[str] = series.to_numpy(dtype=object).tolist()
    return set(codes)


def _report(
    rows: pd.DataFrame,
    mask: pd.Series,
    loans: pd.DataFrame,
    sources: dict[str, str],
    log: ProblemLog,
    table: str,
    column: str,
    loan_column: str,
    file_message: RowMessage,
    stored_message: RowMessage,
    disbursed: pd.Series,
) -> None:
    for row in rows[mask].assign(disbursed=disbursed[mask]).to_dict("records"):
        if pd.notna(row["_line"]):
            log.add(sources[table], row["_line"], column, row[column], *file_message(row))
        else:
            loan_line = loans.at[row["loan_code"], "_line"]
            log.add(
                sources["loans"], loan_line, loan_column, row["disbursed"], *stored_message(row)
            )


def _report_sum(
    rows: pd.DataFrame,
    loans: pd.DataFrame,
    sources: dict[str, str],
    log: ProblemLog,
    table: str,
    column: str,
    loan_code: str,
    code: Code,
    values: dict[str, Value],
    total: int,
    line: object = pd.NA,
) -> None:
    if pd.isna(line):
        file_lines = rows.loc[(rows["loan_code"] == loan_code) & rows["_line"].notna(), "_line"]
        line = file_lines.min() if len(file_lines) else pd.NA
    if pd.notna(line):
        log.add(sources[table], int(line), column, format_cents(total), code, values)  # type: ignore[call-overload]
    else:
        log.add(
            sources["loans"],
            int(loans.at[loan_code, "_line"]),
            "principal",
            format_cents(int(loans.at[loan_code, "principal"])),
            code,
            values,
        )
