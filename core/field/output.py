"""The plan and the collection sheet as JSON (money as decimal strings, "125.00") and as
tables for the terminal (python -m core plan | collection-sheet)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from core.exports.textable import render_table
from core.field.plan import Plan
from core.field.sheet import Sheet


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def plan_record(plan: Plan) -> dict[str, Any]:
    """The plan as the JSON document of docs/metrics.md ("Field lists")."""
    return {
        "officer_code": plan.officer_code,
        "date": plan.day.isoformat(),
        "items": [
            {
                "borrower_code": item.borrower_code,
                "name": item.name,
                "village": item.village,
                "group_code": item.group_code,
                "phone": item.phone,
                "reasons": list(item.reasons),
                "loans": [
                    {
                        "loan_code": loan.loan_code,
                        "dpd": loan.dpd,
                        "arrears": _money(loan.arrears),
                        "expected": _money(loan.expected),
                    }
                    for loan in item.loans
                ],
                "last_visit": _day(item.last_visit),
                "last_outcome": item.last_outcome,
            }
            for item in plan.items
        ],
    }


def sheet_record(sheet: Sheet) -> dict[str, Any]:
    """The collection sheet as the JSON document of docs/metrics.md ("Field lists")."""
    return {
        "officer_code": sheet.officer_code,
        "date": sheet.day.isoformat(),
        "groups": [
            {
                "group_code": group.group_code,
                "village": group.village,
                "rows": [
                    {
                        "borrower_code": row.borrower_code,
                        "loan_code": row.loan_code,
                        "arrears": _money(row.arrears),
                        "expected": _money(row.expected),
                    }
                    for row in group.rows
                ],
                "total_expected": _money(group.total_expected),
            }
            for group in sheet.groups
        ],
        "total_expected": _money(sheet.total_expected),
    }


def to_json(record: dict[str, Any]) -> str:
    """A record as indented JSON, Chinese kept readable."""
    return json.dumps(record, ensure_ascii=False, indent=2)


def plan_table(plan: Plan) -> str:
    """The plan for the terminal: a line per loan concerned (a borrower without an active
    loan on one line), the borrower's details on its first line."""
    rows: list[list[object]] = []
    for item in plan.items:
        person = [
            item.village,
            item.group_code,
            item.borrower_code,
            item.name,
            item.phone,
            ", ".join(item.reasons),
        ]
        visit = [_day(item.last_visit) or "never", item.last_outcome or ""]
        loans = item.loans or (None,)
        for n, loan in enumerate(loans):
            first = person if n == 0 else [""] * len(person)
            amounts = (
                ["", "", "", ""]
                if loan is None
                else [loan.loan_code, loan.dpd, _money(loan.arrears), _money(loan.expected)]
            )
            rows.append([*first, *amounts, *(visit if n == 0 else ["", ""])])
    headers = [
        "village",
        "group",
        "borrower",
        "name",
        "phone",
        "reasons",
        "loan",
        "dpd",
        "arrears",
        "expected",
        "last visit",
        "outcome",
    ]
    title = f"Plan of {plan.officer_code} for {plan.day}: {len(plan.items)} borrowers"
    if not plan.items:
        return title
    return title + "\n\n" + render_table(headers, rows, right=[7, 8, 9])


def sheet_table(sheet: Sheet) -> str:
    """The collection sheet for the terminal: a table per group with its total, and empty
    paid and signature columns to fill in at the meeting."""
    parts = [f"Collection sheet of {sheet.officer_code} for the meeting on {sheet.day}"]
    headers = ["borrower", "name", "loan", "due on", "installment", "arrears", "expected"]
    for group in sheet.groups:
        rows: list[list[object]] = [
            [
                row.borrower_code,
                row.borrower_name,
                row.loan_code,
                _day(row.due_on) or "",
                _money(row.installment_due),
                _money(row.arrears),
                _money(row.expected),
                "",
                "",
            ]
            for row in group.rows
        ]
        rows.append(["total", "", "", "", "", "", _money(group.total_expected), "", ""])
        table = render_table([*headers, "paid      ", "signature   "], rows, right=[4, 5, 6])
        parts.append(f"Group {group.group_code or '-'} ({group.village})\n{table}")
    parts.append(f"Total expected: {_money(sheet.total_expected)}")
    return "\n\n".join(parts)
