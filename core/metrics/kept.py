"""Every officer's figure components kept for the standard periods, and read from there.

The pages that need every officer (the admin's and team leaders' homes, the team overview,
branch figures) would otherwise compute the whole cooperative's scorecard on each first
open after a write: seconds at a provincial union's scale. So the components of every
officer are computed once per data version for the *standard periods* (the current
quarter as of today, the last quarter as of its end) and stored in kept_officer_figures
(core.metrics.kept_models):

- an import rebuilds them in its own transaction (`build_kept`);
- a field write (a visit, a time entry, a receipt) recomputes the officers it touched in
  its own transaction (`refresh_kept_officers`);
- any other write of a table the figures read drops them (core.db.engine.data_write), and
  the pages compute live until they are built again;
- a page that needs a standard period that is not kept (the day moved on, or the rules
  changed) computes it for everyone and stores it (`officer_scorecards`).

Any other period, as-of date or metric parameters is computed live. The kept rows are the
same components the live computation gives, to the cent: tests compare them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, delete, insert, select, text

from core.auth.scope import Scope
from core.db.engine import (
    keep_if_unchanged,
    mark_kept_current,
    read_data_version,
    write_transaction,
)
from core.db.sqltext import run
from core.localtime import local_today
from core.metrics.components import Components
from core.metrics.kept_models import COMPONENT_COLUMNS, KeptPeriod, kept_officer_figures
from core.metrics.officers import compute_officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import Period, quarter_of
from core.metrics.scorecard import OfficerScorecard

# Scopes whose live scorecard is worth storing for everyone when a standard period is
# missing: one team's or one officer's is computed live in a fraction of a second.
_BUILD_FOR = ("all", "branch")


_KEPT_ROWS = select(
    KeptPeriod.period_start, KeptPeriod.period_end, KeptPeriod.as_of, KeptPeriod.params
)


def standard_periods(today: dt.date) -> list[Period]:
    """The periods whose components are kept: the quarter holding `today` as of today,
    and the quarter before it as of its last day (the quarter-end scorecard)."""
    current = quarter_of(today)
    previous_end = current.start - dt.timedelta(days=1)
    previous = quarter_of(previous_end)
    return [current, Period(previous.start, previous.end, previous.end)]


def params_key(params: MetricParams) -> str:
    """The metric parameters as sorted JSON: kept components are used only with these."""
    return json.dumps(dataclasses.asdict(params), sort_keys=True)


def build_kept(
    conn: Connection,
    params: MetricParams,
    *,
    today: dt.date | None = None,
    version: int | None = None,
) -> list[Period]:
    """Computes and stores every officer's components for the standard periods of
    `today` (default: the cooperative's today), inside the caller's write transaction,
    replacing whatever was kept. Returns the periods built."""
    periods = standard_periods(today or local_today())
    drop_other_periods(conn, [])
    built_version = read_data_version(conn) if version is None else version
    for period in periods:
        cards = compute_officer_scorecards(conn, Scope.everyone(), period, params)
        _store(conn, period, params, cards, built_version)
    mark_kept_current(conn)
    return periods


def keep_period(conn: Connection, period: Period, params: MetricParams) -> None:
    """Computes and stores every officer's components for one more period (the benchmark
    keeps the quarter it measures), inside the caller's write transaction. A later build
    drops it again unless it is a standard period."""
    cards = compute_officer_scorecards(conn, Scope.everyone(), period, params)
    _store(conn, period, params, cards, read_data_version(conn))


def kept_current(conn: Connection, params: MetricParams, today: dt.date | None = None) -> bool:
    """True when every standard period of `today` is kept with these parameters."""
    return all(_is_kept(conn, p, params) for p in standard_periods(today or local_today()))


def keep_figures(engine: Engine, params: MetricParams) -> list[Period]:
    """Builds the kept components in a transaction of their own (`python -m core
    keep-figures`, for a nightly job, and after the demo's own writes). Not a change
    of data: the data version, and so every cached page, stays as it is."""
    with write_transaction(engine) as conn:
        return build_kept(conn, params)


def refresh_kept_officers(conn: Connection, staff_codes: Collection[str]) -> None:
    """Recomputes the kept components of these officers for every kept period, with the
    parameters each was built with, inside the caller's write transaction (the one that
    changed their data and nobody else's); data_write then keeps the other officers' rows."""
    kept = conn.execute(_KEPT_ROWS).all()
    ids = _staff_ids(conn, sorted(set(staff_codes)))
    for row in kept:
        period = Period(row.period_start, row.period_end, row.as_of)
        params = MetricParams(**json.loads(row.params))
        for code, officer_id in ids.items():
            scope = Scope("officer", staff_code=code)
            cards = compute_officer_scorecards(conn, scope, period, params)
            conn.execute(
                delete(kept_officer_figures).where(
                    *_period_match(period), kept_officer_figures.c.officer_id == officer_id
                )
            )
            if cards:
                _insert_rows(conn, period, {officer_id: cards[0]})
    mark_kept_current(conn)


def drop_other_periods(conn: Connection, keep: Iterable[Period]) -> None:
    """Deletes the kept periods other than `keep` (and their officers' rows)."""
    wanted = {(p.start, p.end, p.as_of) for p in keep}
    for row in conn.execute(_KEPT_ROWS).all():
        if (row.period_start, row.period_end, row.as_of) not in wanted:
            period = Period(row.period_start, row.period_end, row.as_of)
            conn.execute(delete(kept_officer_figures).where(*_period_match(period)))
            conn.execute(delete(KeptPeriod).where(*_kept_period_match(period)))


def read_kept_scorecards(
    conn: Connection, scope: Scope, period: Period, params: MetricParams
) -> list[OfficerScorecard] | None:
    """The scorecards of every officer in `scope` from the kept components, in the order
    compute_officer_scorecards gives; None when they are not kept for this period and
    these parameters (or some officer of the scope has no row)."""
    if not _is_kept(conn, period, params):
        return None
    scope_sql, scope_values = scope.staff_where("s")
    columns = ", ".join(f"k.{name}" for name in COMPONENT_COLUMNS)
    rows = run(
        conn,
        f"""
        SELECT s.staff_code, s.name, s.team, s.branch, k.officer_id, {columns},
               k.hours_by_activity, k.cases
        FROM staff s LEFT JOIN kept_officer_figures k
          ON k.officer_id = s.id AND k.period_start = :k_start AND k.period_end = :k_end
         AND k.as_of = :k_as_of
        WHERE s.role = 'officer' AND {scope_sql}
        ORDER BY s.branch, s.team, s.staff_code""",
        {**scope_values, **_period_values(period)},
    )
    cards = []
    for row in rows:
        if row.officer_id is None:
            return None  # an officer added since the build: compute live
        components = _components(row, row.hours_by_activity)
        cards.append(
            OfficerScorecard(
                row.staff_code, row.name, row.team, row.branch, components, json.loads(row.cases)
            )
        )
    return cards


def read_kept_totals(
    conn: Connection, scope: Scope, period: Period, params: MetricParams
) -> Components | None:
    """The summed components of every officer in `scope`, summed in SQL from the kept
    rows; None when they are not kept for this period and these parameters."""
    if not _is_kept(conn, period, params):
        return None
    scope_sql, scope_values = scope.staff_where("s")
    sums = ", ".join(f"COALESCE(SUM(k.{name}), 0) AS {name}" for name in COMPONENT_COLUMNS)
    values = {**scope_values, **_period_values(period)}
    join = f"""FROM staff s LEFT JOIN kept_officer_figures k
          ON k.officer_id = s.id AND k.period_start = :k_start AND k.period_end = :k_end
         AND k.as_of = :k_as_of
        WHERE s.role = 'officer' AND {scope_sql}"""
    row = run(conn, f"SELECT COUNT(*) - COUNT(k.officer_id) AS missing, {sums} {join}", values)[0]
    if row.missing:
        return None
    total = _components(row, "{}")
    for hours in run(conn, f"SELECT k.hours_by_activity {join} AND k.hours_hundredths > 0", values):
        total.hours_by_activity.update(json.loads(hours.hours_by_activity))
    return total


def officer_scorecards(
    conn: Connection, scope: Scope, period: Period, params: MetricParams
) -> list[OfficerScorecard]:
    """Every officer in `scope` with their components for `period`: read from the kept
    rows when the period is kept, else computed live. A standard period that is missing
    for a scope of all or a branch is computed for everyone and stored for the next
    pages (when the data did not change meanwhile and the write lock is free)."""
    kept = read_kept_scorecards(conn, scope, period, params)
    if kept is not None:
        return kept
    if scope.kind in _BUILD_FOR and period in standard_periods(local_today()):
        # This connection's snapshot may not see the rows just stored: filter the
        # cooperative's cards here (they come in the same order as a scope's).
        everyone = _build_lazily(conn, period, params)
        return [card for card in everyone if scope.kind == "all" or card.branch == scope.branch]
    return compute_officer_scorecards(conn, scope, period, params)


def scope_totals(
    conn: Connection, scope: Scope, period: Period, params: MetricParams
) -> Components:
    """The summed components of every officer in `scope` (kept when possible)."""
    kept = read_kept_totals(conn, scope, period, params)
    if kept is not None:
        return kept
    total = Components()
    for card in officer_scorecards(conn, scope, period, params):
        total = total + card.components
    return total


def _build_lazily(conn: Connection, period: Period, params: MetricParams) -> list[OfficerScorecard]:
    version = read_data_version(conn)
    cards = compute_officer_scorecards(conn, Scope.everyone(), period, params)

    def keep(write: Connection) -> None:
        drop_other_periods(write, standard_periods(local_today()))
        stored = write.execute(select(KeptPeriod).where(*_kept_period_match(period)))
        if stored.first() is None:
            _store(write, period, params, cards, version)

    keep_if_unchanged(conn.engine, version, keep, f"kept figures for {period.label}")
    return cards


def _store(
    conn: Connection,
    period: Period,
    params: MetricParams,
    cards: list[OfficerScorecard],
    version: int,
) -> None:
    conn.execute(delete(kept_officer_figures).where(*_period_match(period)))
    conn.execute(delete(KeptPeriod).where(*_kept_period_match(period)))
    conn.execute(
        insert(KeptPeriod).values(
            period_start=period.start,
            period_end=period.end,
            as_of=period.as_of,
            params=params_key(params),
            built_at=dt.datetime.now(dt.UTC),
            built_version=version,
        )
    )
    ids = _staff_ids(conn, [card.staff_code for card in cards])
    _insert_rows(conn, period, {ids[card.staff_code]: card for card in cards})


def _insert_rows(conn: Connection, period: Period, cards: dict[int, OfficerScorecard]) -> None:
    rows = [
        {
            "period_start": period.start,
            "period_end": period.end,
            "as_of": period.as_of,
            "officer_id": officer_id,
            **{name: getattr(card.components, name) for name in COMPONENT_COLUMNS},
            "hours_by_activity": json.dumps(dict(card.components.hours_by_activity)),
            "cases": json.dumps(card.cases, ensure_ascii=False),
        }
        for officer_id, card in cards.items()
    ]
    for start in range(0, len(rows), 1000):
        conn.execute(insert(kept_officer_figures), rows[start : start + 1000])


def _components(row: Any, hours_by_activity: str) -> Components:
    components = Components(hours_by_activity=Counter(json.loads(hours_by_activity)))
    for name in COMPONENT_COLUMNS:
        setattr(components, name, int(getattr(row, name)))
    return components


def _is_kept(conn: Connection, period: Period, params: MetricParams) -> bool:
    stored = conn.execute(
        select(KeptPeriod.params).where(*_kept_period_match(period))
    ).scalar_one_or_none()
    return stored == params_key(params)


def _staff_ids(conn: Connection, codes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        params = {f"c{i}": code for i, code in enumerate(chunk)}
        marks = ", ".join(f":c{i}" for i in range(len(chunk)))
        for row in conn.execute(
            text(
                f"SELECT id, staff_code FROM staff WHERE role = 'officer' "
                f"AND staff_code IN ({marks})"
            ),
            params,
        ):
            found[row.staff_code] = row.id
    return found


def _period_values(period: Period) -> dict[str, dt.date]:
    return {"k_start": period.start, "k_end": period.end, "k_as_of": period.as_of}


def _period_match(period: Period) -> tuple[ColumnElement[bool], ...]:
    c = kept_officer_figures.c
    return (c.period_start == period.start, c.period_end == period.end, c.as_of == period.as_of)


def _kept_period_match(period: Period) -> tuple[ColumnElement[bool], ...]:
    return (
        KeptPeriod.period_start == period.start,
        KeptPeriod.period_end == period.end,
        KeptPeriod.as_of == period.as_of,
    )
