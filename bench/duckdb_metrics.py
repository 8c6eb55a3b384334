"""The officer and cohort figures of the metric spec (version 1), computed by DuckDB straight
from the import CSV files: the yardstick of the metrics benchmark. Written from the spec alone,
not from core/metrics, so that agreeing totals are also an independent check of the engine.

python -m bench.duckdb_metrics FOLDER  prints timings and totals for one demo folder.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

# The import format's columns; money and hours have at most 2 places, so DECIMAL(18,2) is exact.
_MONEY, _HOURS, _CODE, _TEXT = "DECIMAL(18,2)", "DECIMAL(18,2)", "code", "text"
_TABLES: dict[str, dict[str, str]] = {
    "staff": {"staff_code": _CODE, "name": _TEXT, "role": _CODE, "branch": _TEXT,
              "team": _TEXT, "hired_on": "DATE"},
    "borrowers": {"borrower_code": _CODE, "name": _TEXT, "officer_code": _CODE, "village": _TEXT,
                  "group_code": _CODE, "joined_on": "DATE", "business_type": _TEXT},
    "training": {"borrower_code": _CODE, "attended_on": "DATE", "trainer_code": _CODE},
    "loans": {"loan_code": _CODE, "borrower_code": _CODE, "officer_code": _CODE,
              "disbursed_on": "DATE", "principal": _MONEY, "annual_rate": "DECIMAL(12,8)",
              "term_months": "INTEGER", "cycle": "INTEGER", "appraisal_grade": _CODE,
              "product": _TEXT, "purpose": _TEXT, "written_off_on": "DATE"},
    "installments": {"loan_code": _CODE, "seq": "INTEGER", "due_date": "DATE",
                     "principal_due": _MONEY, "interest_due": _MONEY},
    "repayments": {"loan_code": _CODE, "paid_on": "DATE", "principal_paid": _MONEY,
                   "interest_paid": _MONEY, "receipt_no": _CODE},
    "visits": {"officer_code": _CODE, "borrower_code": _CODE, "visited_on": "DATE",
               "purpose": _CODE, "outcome": _CODE},
    "time_log": {"officer_code": _CODE, "work_date": "DATE", "activity": _CODE, "hours": _HOURS},
}  # fmt: skip


def load(folder: Path) -> duckdb.DuckDBPyConnection:
    """Reads the eight CSV files into an in-memory DuckDB database (tables named like the files).

    Column names are matched case-insensitively after trimming, codes are trimmed, empty cells
    are NULL and a missing optional column is NULL. Only UTF-8 (with or without BOM) is read.
    """
    con = duckdb.connect(":memory:")
    # The planner underestimates the installments due in a period (to a handful) and would run
    # the ASOF joins as nested loops over all repayments: always use the ASOF operator.
    con.execute("SET asof_loop_join_threshold = 0")
    for table, columns in _TABLES.items():
        path = str(Path(folder) / f"{table}.csv").replace("'", "''")
        source = f"read_csv('{path}', header=true, all_varchar=true, delim=',', quote='\"')"
        described = con.execute(f"DESCRIBE FROM {source}").fetchall()
        present = {name.strip().lower(): name for name, *_ in described}
        exprs = []
        for column, kind in columns.items():
            if column not in present:
                sql_type = "VARCHAR" if kind in (_CODE, _TEXT) else kind
                exprs.append(f"CAST(NULL AS {sql_type}) AS {column}")
                continue
            cell = '"' + present[column].replace('"', '""') + '"'
            if kind == _TEXT:
                exprs.append(f"{cell} AS {column}")
            elif kind == _CODE:
                exprs.append(f"NULLIF(trim({cell}), '') AS {column}")
            else:  # a bad cell fails the load loudly rather than vanishing from a sum
                exprs.append(f"CAST(NULLIF(trim({cell}), '') AS {kind}) AS {column}")
        con.execute(f"CREATE TABLE {table} AS SELECT {', '.join(exprs)} FROM {source}")
    return con


# Shared pieces of both queries. paid(t) is a step function of t: `cum` holds its value from each
# payment date on, so paid(t) for any t is an ASOF join. Installments due after as_of can be
# dropped before the running sum: ordered by (due_date, seq), they never precede one due earlier.
_ALLOCATION = """
rep AS (SELECT r.loan_code, r.paid_on, r.principal_paid FROM repayments r
        SEMI JOIN ln USING (loan_code) WHERE r.paid_on <= $as_of),
paid AS (SELECT loan_code, SUM(principal_paid) AS paid FROM rep GROUP BY loan_code),
cum AS (SELECT loan_code, paid_on,
               SUM(SUM(principal_paid)) OVER (PARTITION BY loan_code ORDER BY paid_on) AS paid
        FROM rep GROUP BY loan_code, paid_on),
inst AS (SELECT i.loan_code, i.due_date, i.principal_due,
                COALESCE(SUM(i.principal_due) OVER (PARTITION BY i.loan_code
                    ORDER BY i.due_date, i.seq
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before_k
         FROM installments i SEMI JOIN ln USING (loan_code) WHERE i.due_date <= $as_of),
cov AS (SELECT inst.*,
               LEAST(GREATEST(COALESCE(p.paid, 0) - before_k, 0), principal_due) AS covered
        FROM inst LEFT JOIN paid p USING (loan_code)),
"""

# Training days of a loan: distinct dates, so a duplicated training row counts once.
_TRAINING_DAYS = """
SELECT f.loan_code, COUNT(DISTINCT t.attended_on) AS days
FROM {loans} f JOIN training t ON t.borrower_code = f.borrower_code
                              AND t.attended_on <= f.disbursed_on
GROUP BY f.loan_code
"""

_OFFICER_SQL = f"""
WITH
off AS (SELECT staff_code AS officer_code FROM staff WHERE role = 'officer'
        AND (CAST($officers AS VARCHAR[]) IS NULL
             OR list_contains(CAST($officers AS VARCHAR[]), staff_code))),
ln AS (SELECT l.* FROM loans l SEMI JOIN off USING (officer_code) WHERE l.disbursed_on <= $as_of),
{_ALLOCATION}
overdue AS (SELECT loan_code, MIN(due_date) AS since FROM cov
            WHERE due_date < $as_of AND covered < principal_due GROUP BY loan_code),
act AS (SELECT ln.officer_code, ln.borrower_code, ln.principal - COALESCE(p.paid, 0) AS outs,
               o.since, COALESCE($as_of - o.since, 0) AS dpd
        FROM ln LEFT JOIN paid p USING (loan_code) LEFT JOIN overdue o USING (loan_code)
        WHERE (ln.written_off_on IS NULL OR ln.written_off_on > $as_of)
          AND ln.principal - COALESCE(p.paid, 0) > 0),
-- A visit in a window ending at as_of exists iff the last visit up to as_of is in the window.
seen AS (SELECT v.officer_code, v.borrower_code, MAX(v.visited_on) AS last_on FROM visits v
         SEMI JOIN off USING (officer_code) WHERE v.visited_on <= $as_of GROUP BY ALL),
act_fig AS (
    SELECT a.officer_code, COUNT(*) AS active_loans,
           COUNT(DISTINCT a.borrower_code) AS active_borrowers, SUM(a.outs) AS outstanding,
           SUM(a.outs) FILTER (WHERE a.dpd >= 1) AS par1,
           SUM(a.outs) FILTER (WHERE a.dpd > 30) AS par30,
           SUM(a.outs) FILTER (WHERE a.dpd > 90) AS par90,
           COUNT(DISTINCT a.borrower_code) FILTER (WHERE s.last_on > $as_of - $visit_window)
               AS visited,
           -- A NULL since (nothing overdue; only with followup_after_days <= 0) needs no visit.
           COUNT(*) FILTER (WHERE a.dpd >= $followup
                            AND (s.last_on IS NULL OR s.last_on <= a.since)) AS followups
    FROM act a LEFT JOIN seen s USING (officer_code, borrower_code) GROUP BY a.officer_code),
due AS (SELECT c.*, ln.officer_code, LEAST(c.due_date + $grace, $as_of) AS t_on_time
        FROM cov c JOIN ln USING (loan_code) WHERE c.due_date BETWEEN $start AND $last),
due_fig AS (
    SELECT d.officer_code, SUM(d.principal_due) AS due, SUM(d.covered) AS collected,
           SUM(LEAST(GREATEST(COALESCE(k.paid, 0) - d.before_k, 0), d.principal_due)) AS on_time
    FROM due d ASOF LEFT JOIN cum k ON d.loan_code = k.loan_code AND d.t_on_time >= k.paid_on
    GROUP BY d.officer_code),
newl AS (SELECT * FROM ln WHERE disbursed_on BETWEEN $start AND $last),
firsts AS (SELECT l.loan_code, l.borrower_code, l.disbursed_on FROM loans l
           SEMI JOIN newl USING (borrower_code) WHERE l.disbursed_on <= $as_of
           QUALIFY row_number() OVER (PARTITION BY l.borrower_code
                                      ORDER BY l.disbursed_on, l.loan_code) = 1),
tdays AS ({_TRAINING_DAYS.format(loans="firsts")}),
disb_fig AS (
    SELECT n.officer_code, COUNT(*) AS n, SUM(n.principal) AS amount,
           COUNT(f.loan_code) AS firsts,
           COUNT(f.loan_code) FILTER (WHERE COALESCE(td.days, 0) >= $min_training) AS trained
    FROM newl n LEFT JOIN firsts f USING (loan_code) LEFT JOIN tdays td USING (loan_code)
    GROUP BY n.officer_code),
hrs AS (SELECT t.officer_code, t.activity, SUM(t.hours) AS hours FROM time_log t
        SEMI JOIN off USING (officer_code) WHERE t.work_date BETWEEN $start AND $last GROUP BY ALL),
hrs_fig AS (SELECT officer_code, SUM(hours) AS hours, map(list(activity), list(hours)) AS split
            FROM hrs GROUP BY officer_code)
SELECT off.officer_code, COALESCE(active_loans, 0), COALESCE(active_borrowers, 0),
       COALESCE(outstanding, 0), COALESCE(par1, 0), COALESCE(par30, 0), COALESCE(par90, 0),
       COALESCE(visited, 0), COALESCE(followups, 0), COALESCE(due, 0), COALESCE(collected, 0),
       COALESCE(on_time, 0), COALESCE(n, 0), COALESCE(amount, 0), COALESCE(firsts, 0),
       COALESCE(trained, 0), COALESCE(hours, 0), split
FROM off LEFT JOIN act_fig USING (officer_code) LEFT JOIN due_fig USING (officer_code)
     LEFT JOIN disb_fig USING (officer_code) LEFT JOIN hrs_fig USING (officer_code)
ORDER BY off.officer_code
"""

_COHORT_SQL = f"""
WITH
ln AS (SELECT loan_code, borrower_code, disbursed_on FROM loans WHERE disbursed_on <= $as_of
       QUALIFY row_number() OVER (PARTITION BY borrower_code
                                  ORDER BY disbursed_on, loan_code) = 1),
tdays AS ({_TRAINING_DAYS.format(loans="ln")}),
{_ALLOCATION}
-- Ever 30: some installment unpaid at due_date + 31 days, that date being on or before as_of.
ever AS (SELECT DISTINCT c.loan_code
         FROM (SELECT *, due_date + 31 AS t FROM cov WHERE due_date + 31 <= $as_of) c
         ASOF LEFT JOIN cum k ON c.loan_code = k.loan_code AND c.t >= k.paid_on
         WHERE LEAST(GREATEST(COALESCE(k.paid, 0) - c.before_k, 0), c.principal_due)
               < c.principal_due),
money AS (SELECT loan_code, SUM(principal_due) AS due, SUM(covered) AS collected FROM cov
          GROUP BY loan_code)
SELECT CASE WHEN COALESCE(td.days, 0) >= $min_training THEN 'trained' ELSE 'untrained' END,
       COUNT(*), COALESCE(SUM(m.due), 0), COALESCE(SUM(m.collected), 0), COUNT(e.loan_code)
FROM ln LEFT JOIN tdays td USING (loan_code) LEFT JOIN money m USING (loan_code)
        LEFT JOIN ever e USING (loan_code)
GROUP BY 1
"""


def _ratio(numerator: Any, denominator: Any) -> Decimal | None:
    """numerator / denominator as a Decimal, None where the denominator is 0 (spec: null)."""
    return None if denominator == 0 else Decimal(numerator) / Decimal(denominator)


def officer_figures(
    con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, as_of: dt.date, *,
    min_training_days: int = 5, grace_days: int = 0, visit_window_days: int = 90,
    followup_after_days: int = 7, officers: list[str] | None = None,
) -> dict[str, dict[str, Any]]:  # fmt: skip
    """officer_code -> every key of the spec's officer table, for staff with role officer (only
    those in `officers` if given), including officers without loans.

    Money is Decimal yuan with 2 places, ratios Decimal or None, hours Decimal and time_share a
    dict activity -> Decimal (None without hours) over every activity in time_log.
    """
    params = {
        "start": start, "last": min(end, as_of), "as_of": as_of, "officers": officers,
        "min_training": min_training_days, "grace": grace_days,
        "visit_window": visit_window_days, "followup": followup_after_days,
    }  # fmt: skip
    rows = con.execute(_OFFICER_SQL, params).fetchall()
    listed = con.sql("SELECT DISTINCT activity FROM time_log ORDER BY 1").fetchall()
    activities = [activity for (activity,) in listed]
    figures = {}
    for (code, loans, borrowers, outs, par1, par30, par90, visited, followups, due, collected,
         on_time, n, amount, firsts, trained, hours, split) in rows:  # fmt: skip
        split = split or {}
        figures[code] = {
            "active_loans": loans, "active_borrowers": borrowers, "outstanding_principal": outs,
            "par1": _ratio(par1, outs), "par30": _ratio(par30, outs), "par90": _ratio(par90, outs),
            "principal_due": due, "principal_collected": collected,
            "recovery_rate": _ratio(collected, due), "on_time_rate": _ratio(on_time, due),
            "disbursed_count": n, "disbursed_amount": amount, "first_loans": firsts,
            "first_loans_trained": trained, "training_compliance": _ratio(trained, firsts),
            "visit_coverage": _ratio(visited, borrowers), "followups_overdue": followups,
            "hours": hours,
            "time_share": {a: _ratio(split.get(a, 0), hours) for a in activities},
        }  # fmt: skip
    return figures


def cohort_figures(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, *, min_training_days: int = 5
) -> dict[str, dict[str, Any]]:
    """'trained'/'untrained' -> first_loans, principal_due, principal_collected, recovery_rate,
    ever_par30_loans, ever_par30_rate, over the first loans disbursed on or before as_of."""
    rows = con.execute(_COHORT_SQL, {"as_of": as_of, "min_training": min_training_days})
    found = {row[0]: row[1:] for row in rows.fetchall()}
    figures = {}
    for cohort in ("trained", "untrained"):
        loans, due, collected, ever = found.get(cohort, (0, Decimal("0.00"), Decimal("0.00"), 0))
        figures[cohort] = {
            "first_loans": loans, "principal_due": due, "principal_collected": collected,
            "recovery_rate": _ratio(collected, due), "ever_par30_loans": ever,
            "ever_par30_rate": _ratio(ever, loans),
        }  # fmt: skip
    return figures


def _main(folder: Path) -> None:
    """Timings (warm, after load) and cross-check totals on one demo folder."""
    began = time.perf_counter()
    con = load(folder)
    print(f"load: {time.perf_counter() - began:.3f} s")
    q3 = (dt.date(2026, 7, 1), dt.date(2026, 9, 30), dt.date(2026, 9, 30))
    officer_figures(con, *q3)  # warm-up
    runs: dict[str, Callable[[], object]] = {
        "officer_figures, all officers": lambda: officer_figures(con, *q3),
        "officer_figures, one officer": lambda: officer_figures(con, *q3, officers=["OF0001"]),
        "cohort_figures": lambda: cohort_figures(con, dt.date(2026, 11, 28)),
    }
    for label, run in runs.items():
        times = []
        for _ in range(5):
            began = time.perf_counter()
            run()
            times.append(time.perf_counter() - began)
        print(f"{label}: best {min(times):.3f} s, median {sorted(times)[2]:.3f} s")
    figures = officer_figures(con, *q3)
    for key in ("outstanding_principal", "principal_due", "principal_collected"):
        print(f"2026Q3 total {key}: {sum(f[key] for f in figures.values())}")
    for cohort, values in cohort_figures(con, dt.date(2026, 11, 28)).items():
        print(f"cohort {cohort} as of 2026-11-28: {values}")


if __name__ == "__main__":
    _main(Path(sys.argv[1]))
