"""The early warning as coaching evidence: each officer's slipping loans (at or above
`warning_threshold` today) and which of them nobody has visited in `unvisited_days`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from core.auth.scope import Scope
from core.db.models import Borrower, Staff, Visit
from core.warning.params import WarningParams
from core.warning.run import Item
from core.warning.score import is_slipping, scored_for
from core.warning.store import stored_warning


@dataclass(frozen=True)
class SlippingCase:
    """A slipping loan: its borrower (code and name), score, reasons, last visit."""

    borrower_code: str
    borrower_name: str
    loan_code: str
    score: float
    reasons: tuple[tuple[str, object], ...]
    last_visit: dt.date | None
    unvisited: bool


@dataclass(frozen=True)
class OfficerSlipping:
    """One officer's slipping loans, the highest score first."""

    officer_code: str
    officer_name: str
    cases: tuple[SlippingCase, ...]

    @property
    def unvisited(self) -> int:
        """How many of them have had no visit in the last `unvisited_days`."""
        return sum(case.unvisited for case in self.cases)


def slipping_by_officer(
    conn: Connection,
    scope: Scope,
    day: dt.date,
    warning: WarningParams,
    items: list[Item] | None = None,
) -> list[OfficerSlipping]:
    """Every officer of `scope` with a slipping loan on `day`, by officer code (`items`: the
    scope's scored loans, when the caller has them already)."""
    if items is None:
        items = scored_for(conn, scope, day, warning.horizon_days)
    slipping = [i for i in items if is_slipping(i.score, warning.threshold)]
    if not slipping:
        return []
    codes = sorted({i.borrower_code for i in slipping})
    people = {
        code: (name, last)
        for code, name, last in conn.execute(
            select(Borrower.borrower_code, Borrower.name, func.max(Visit.visited_on))
            .outerjoin(Visit, (Visit.borrower_id == Borrower.id) & (Visit.visited_on <= day))
            .where(Borrower.borrower_code.in_(codes))
            .group_by(Borrower.borrower_code, Borrower.name)
        )
    }
    officers = dict(
        conn.execute(
            select(Staff.staff_code, Staff.name).where(
                Staff.staff_code.in_({i.officer_code for i in slipping}), scope.staff_filter()
            )
        ).all()
    )
    since = day - dt.timedelta(days=warning.unvisited_days)
    grouped: dict[str, list[SlippingCase]] = {}
    for item in slipping:
        if item.officer_code not in officers:
            continue
        name, last = people[item.borrower_code]
        grouped.setdefault(item.officer_code, []).append(
            SlippingCase(
                borrower_code=item.borrower_code,
                borrower_name=name,
                loan_code=item.loan_code,
                score=item.score,
                reasons=tuple((r["code"], r["value"]) for r in item.reasons),
                last_visit=last,
                unvisited=last is None or last <= since,
            )
        )
    return [OfficerSlipping(code, officers[code], tuple(grouped[code])) for code in sorted(grouped)]


def unvisited_slipping(
    conn: Connection, scope: Scope, day: dt.date, warning: WarningParams
) -> dict[str, tuple[str, ...]] | None:
    """The figure slipping_unvisited as of `day`: for each officer of `scope` with any, the
    codes of their slipping loans whose borrower has had no visit in `unvisited_days`
    (an officer left out has none). None when no model is kept yet: no data."""
    if stored_warning(conn, warning.horizon_days) is None:
        return None
    return {
        officer.officer_code: codes
        for officer in slipping_by_officer(conn, scope, day, warning)
        if (codes := tuple(case.loan_code for case in officer.cases if case.unvisited))
    }


def day_cases(
    conn: Connection, scope: Scope, day: dt.date, warning: WarningParams
) -> dict[str, dict[str, tuple[str, ...]]] | None:
    """The day figures (core.metrics.figures.DAY_FIGURES) of `scope`'s officers as of
    `day`, in the form core.rules.findings.judge_officers reads; None without a model."""
    found = unvisited_slipping(conn, scope, day, warning)
    return None if found is None else {"slipping_unvisited": found}
