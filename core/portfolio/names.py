"""Who is behind a list of codes: the figures' cases and the rules' findings carry bare
loan or borrower codes (core.metrics), and a screen shows each with the borrower's name
and a link to the borrower's page. One query resolves a whole list, within the scope."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Connection, String, bindparam, text

from core.auth.scope import Scope


@dataclass(frozen=True)
class CodeOwner:
    """The borrower behind a loan or borrower code (loan_code None for a borrower code)."""

    borrower_code: str
    name: str
    loan_code: str | None


def load_code_owners(
    conn: Connection,
    scope: Scope,
    loan_codes: Collection[str] = (),
    borrower_codes: Collection[str] = (),
) -> dict[str, CodeOwner]:
    """Each given loan code → its borrower, each borrower code → that borrower, for codes
    the scope may open (the borrower page's own rule: a loan of one of the scope's
    officers, or a borrower assigned to or holding a loan of one of them). Codes outside
    the scope or unknown are left out, so a screen shows them without a name or link."""
    if not loan_codes and not borrower_codes:
        return {}
    scope_sql, bound = scope.staff_where("s")
    # Codes are unique per kind but a loan and a borrower could share one: loans win,
    # as the caller asks for one kind per list (a figure's cases are of one kind).
    clause = text(
        f"""
        SELECT l.loan_code AS code, b.borrower_code, b.name, 1 AS is_loan
        FROM loans l JOIN borrowers b ON b.id = l.borrower_id
        JOIN staff s ON s.id = l.officer_id
        WHERE l.loan_code IN :loans AND {scope_sql}
        UNION ALL
        SELECT b.borrower_code AS code, b.borrower_code, b.name, 0 AS is_loan
        FROM borrowers b
        WHERE b.borrower_code IN :borrowers AND (
            EXISTS (SELECT 1 FROM staff s WHERE s.id = b.officer_id AND {scope_sql})
            OR EXISTS (SELECT 1 FROM loans l JOIN staff s ON s.id = l.officer_id
                       WHERE l.borrower_id = b.id AND {scope_sql}))"""
    ).bindparams(
        # Typed, so an empty list compares as text on PostgreSQL too.
        bindparam("loans", expanding=True, type_=String),
        bindparam("borrowers", expanding=True, type_=String),
    )
    rows = conn.execute(
        clause, {**bound, "loans": sorted(loan_codes), "borrowers": sorted(borrower_codes)}
    )
    found: dict[str, CodeOwner] = {}
    for row in rows:
        owner = CodeOwner(row.borrower_code, row.name, row.code if row.is_loan else None)
        if row.is_loan or row.code not in found:
            found[row.code] = owner
    return found


def find_code(conn: Connection, scope: Scope, code: str) -> CodeOwner | None:
    """The borrower behind a loan or borrower code a person typed (spaces around it
    ignored; a loan code wins, as in `load_code_owners`), or None when the scope may not
    open it or no such code exists: the screen cannot tell the two apart, by design."""
    code = code.strip()
    if not code:
        return None
    return load_code_owners(conn, scope, [code], [code]).get(code)
