"""The collection sheet of a meeting day (docs/metrics.md, "Field lists"): per group of
the officer's borrowers, each loan that should hand over principal at the meeting, with
empty paid and signature columns on paper, and the totals to collect."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.db.sqltext import active_loan_sql, as_optional_date, run
from core.field.amounts import amounts_sql, meeting_values, officer_scope
from core.metrics.officers import scoped_loans_sql
from core.metrics.params import MetricParams
from core.money import cents_to_yuan

_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SheetRow:
    """A loan to collect on: arrears(d), expected(d), and the installments falling due
    by the meeting (d to d + sheet_window_days: their principal and first due date)."""

    borrower_code: str
    borrower_name: str
    loan_code: str
    installment_due: Decimal
    due_on: dt.date | None
    arrears: Decimal
    expected: Decimal


@dataclass(frozen=True)
class SheetGroup:
    """A borrower group's section: its rows by borrower and loan, and its expected total."""

    group_code: str
    village: str
    rows: tuple[SheetRow, ...]

    @property
    def total_expected(self) -> Decimal:
        """Σ expected(d) of the group's rows."""
        return sum((row.expected for row in self.rows), _ZERO)


@dataclass(frozen=True)
class Sheet:
    """The sheet of officer `officer_code` for a meeting on `day`, groups by village."""

    officer_code: str
    day: dt.date
    groups: tuple[SheetGroup, ...]

    @property
    def total_expected(self) -> Decimal:
        """Σ expected(d) of the whole sheet."""
        return sum((group.total_expected for group in self.groups), _ZERO)


def build_collection_sheet(
    conn: Connection,
    scope: Scope,
    officer_code: str,
    day: dt.date,
    params: MetricParams,
    group: str | None = None,
) -> Sheet:
    """The collection sheet of officer `officer_code` for a meeting on `day` (only group
    `group` if given): a row per loan of the officer active at d - 1 with expected(d) > 0.
    A group without such a loan has no section; an officer outside `scope` has none."""
    own = officer_scope(conn, scope, officer_code)
    scope_sql, bound = own.staff_where("s")
    group_sql = " AND b.group_code = :group" if group is not None else ""
    rows = run(
        conn,
        f"""
        WITH {scoped_loans_sql(scope_sql)},
        on_sheet AS (SELECT l.id, l.borrower_id, l.loan_code FROM scoped l
                     WHERE {active_loan_sql("l", ":day_before")}),
        {amounts_sql("on_sheet")}
        SELECT b.borrower_code, b.name, b.village, b.group_code, o.loan_code,
               am.arrears, am.expected, am.falling_due, am.due_on
        FROM on_sheet o JOIN borrowers b ON b.id = o.borrower_id
        JOIN amounts am ON am.loan_id = o.id
        WHERE am.expected > 0{group_sql}""",
        {**bound, **meeting_values(day, params), "group": group},
    )
    sections: dict[tuple[str, str], list[SheetRow]] = {}
    for r in rows:
        sections.setdefault((r.village, r.group_code or ""), []).append(
            SheetRow(
                borrower_code=r.borrower_code,
                borrower_name=r.name,
                loan_code=r.loan_code,
                installment_due=cents_to_yuan(int(r.falling_due)),
                due_on=as_optional_date(r.due_on),
                arrears=cents_to_yuan(int(r.arrears)),
                expected=cents_to_yuan(int(r.expected)),
            )
        )
    # Sorted here, by code point, so that both databases give the same order.
    groups = tuple(
        SheetGroup(
            group_code,
            village,
            tuple(sorted(found, key=lambda row: (row.borrower_code, row.loan_code))),
        )
        for (village, group_code), found in sorted(sections.items())
    )
    return Sheet(officer_code, day, groups)
