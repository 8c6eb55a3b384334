"""Borrowers who left an officer, and why: the "keeping customers" half of the judgement
and customers screen. Which borrowers left comes from the metrics engine (the cases of
`left_borrowers` and `pending_renewals`), so the list always matches the figure; this module
only adds who they are and the exit reason recorded on a visit."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam

from core.auth.scope import Scope
from core.db.sqltext import as_optional_date, query


@dataclass(frozen=True)
class Leaver:
    """A borrower whose loan was repaid and who has not (yet) taken a new one."""

    borrower_code: str
    name: str
    village: str
    group_code: str | None
    repaid_on: dt.date | None
    exit_reason: str | None  # a code of config/exit_reasons.yaml, as recorded on a visit
    reason_noted_on: dt.date | None
    last_visit_on: dt.date | None


def load_leavers(
    conn: Connection, scope: Scope, borrower_codes: Sequence[str], as_of: dt.date
) -> list[Leaver]:
    """The borrowers of `borrower_codes` that `scope` may see, with their last repaid loan
    and the latest exit reason and visit recorded by the scope's officers up to `as_of`.

    A code outside the scope is left out, never looked up: the caller passes the engine's
    cases, and the scope filter is applied here again so the list cannot widen it.
    """
    if not borrower_codes:
        return []
    scope_sql, params = scope.staff_where("s")
    sql = f"""
        WITH mine AS (
            SELECT DISTINCT b.id, b.borrower_code, b.name, b.village, b.group_code
            FROM borrowers b JOIN loans l ON l.borrower_id = b.id
            JOIN staff s ON s.id = l.officer_id
            WHERE s.role = 'officer' AND {scope_sql} AND b.borrower_code IN :codes),
        repaid AS (
            SELECT l.borrower_id, MAX(l.repaid_on) AS repaid_on FROM loans l
            WHERE l.borrower_id IN (SELECT id FROM mine) AND l.repaid_on <= :as_of
            GROUP BY l.borrower_id),
        seen AS (
            SELECT v.borrower_id, v.visited_on, v.exit_reason FROM visits v
            JOIN staff s ON s.id = v.officer_id
            WHERE {scope_sql} AND v.borrower_id IN (SELECT id FROM mine)
              AND v.visited_on <= :as_of),
        last_seen AS (SELECT borrower_id, MAX(visited_on) AS visited_on FROM seen
                      GROUP BY borrower_id),
        last_reason AS (SELECT borrower_id, MAX(visited_on) AS visited_on FROM seen
                        WHERE exit_reason IS NOT NULL GROUP BY borrower_id)
        SELECT m.borrower_code, m.name, m.village, m.group_code, r.repaid_on,
               (SELECT MIN(x.exit_reason) FROM seen x WHERE x.borrower_id = m.id
                  AND x.visited_on = lr.visited_on AND x.exit_reason IS NOT NULL),
               lr.visited_on, ls.visited_on
        FROM mine m LEFT JOIN repaid r ON r.borrower_id = m.id
        LEFT JOIN last_seen ls ON ls.borrower_id = m.id
        LEFT JOIN last_reason lr ON lr.borrower_id = m.id
        ORDER BY r.repaid_on DESC, m.borrower_code"""
    clause, bound = query(sql, {**params, "as_of": as_of, "codes": list(borrower_codes)})
    clause = clause.bindparams(bindparam("codes", expanding=True))
    return [
        Leaver(
            code,
            name,
            village,
            group,
            as_optional_date(repaid),
            reason,
            as_optional_date(noted),
            as_optional_date(seen),
        )
        for code, name, village, group, repaid, reason, noted, seen in conn.execute(clause, bound)
    ]


def count_exit_reasons(leavers: Sequence[Leaver]) -> list[tuple[str | None, int]]:
    """How many leavers gave each exit reason (None: none recorded), most frequent first."""
    counts = Counter(leaver.exit_reason for leaver in leavers)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0] or "~"))
