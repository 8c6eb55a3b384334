"""The engine, the configuration, and `scoped_cache`, which every cached loader of the
app uses (here and in the screens' view modules).

Streamlit's caches are shared by every user of the server, so a loader is keyed by the
viewer's scope and the data version by construction: `scoped_cache` refuses a function
without a `Scope` parameter and a `version` one, and opens the connection itself.

The configuration in force lives in the database (core.admin.active_config), so that every
process on it uses the same: each script run reads the active versions once
(`refresh_config`, one small query), and the rules, the review template and every scoped
cache are keyed by them, so a version installed by another process is used from the next
run on."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import streamlit as st
from sqlalchemy import Connection, Engine

from core.admin.active_config import ActiveVersions, load_active_rules, read_active_versions
from core.auth.scope import Scope
from core.config.lists import Activity, load_activities, load_exit_reasons
from core.db.engine import make_engine, read_data_version
from core.db.schema import ensure_schema
from core.field.plan import Plan, build_plan
from core.metrics.cohorts import CohortFigures
from core.metrics.components import Components
from core.metrics.kept import officer_scorecards, scope_totals
from core.metrics.kept_cohorts import cohort_figures
from core.metrics.period import Period
from core.metrics.scorecard import OfficerScorecard
from core.metrics.views import TrendPoint, compute_trends
from core.portfolio.names import CodeOwner, load_code_owners
from core.portfolio.summary import OfficerPortfolio, load_officer_portfolios
from core.rules import Finding, RuleSet
from core.rules.attention import Attention, build_attention
from core.rules.findings import judge_officers, with_day_cases
from core.rules.group_findings import viewer_group_findings
from core.settings import load_settings
from core.warning.team import day_cases

# Where a script run keeps the configuration versions it read (see refresh_config).
ACTIVE_CONFIG = "_fieldbook.active_config"


def refresh_config() -> ActiveVersions:
    """Reads which configuration versions are in force (once per script run: the entry
    point calls it before anything reads the configuration) and keeps them for the run."""
    with get_engine().connect() as conn:
        active = read_active_versions(conn)
    st.session_state[ACTIVE_CONFIG] = active
    return active


def active_config() -> ActiveVersions:
    """The configuration versions this run reads (refresh_config's, else read now)."""
    active = st.session_state.get(ACTIVE_CONFIG)
    return active if isinstance(active, ActiveVersions) else refresh_config()


def get_rules() -> RuleSet:
    """The goal rules and metric parameters in force (validated; errors are not cached)."""
    return rules_of(*active_config().key)


@st.cache_resource(show_spinner=False, max_entries=8)
def rules_of(rules_version: int | None, template_version: int | None) -> RuleSet:
    """The rules of these active versions (None: config/rules.yaml), loaded once per process
    and version. `template_version` is unused: it keeps the key the same as the template's."""
    with get_engine().connect() as conn:
        versions = ActiveVersions(rules_version, template_version)
        return load_active_rules(conn, load_settings().config_dir, versions)


@st.cache_resource(show_spinner=False)
def get_activities() -> list[Activity]:
    """The activities of config/activities.yaml, in their order (the same for everyone)."""
    return load_activities(load_settings().config_dir)


@st.cache_resource(show_spinner=False)
def get_exit_reasons() -> list[Activity]:
    """The exit reasons of config/exit_reasons.yaml, in their order."""
    return load_exit_reasons(load_settings().config_dir)


@st.cache_resource(show_spinner=False)
def get_engine() -> Engine:
    """One engine per server process, on a database brought to the current schema."""
    engine = make_engine()
    ensure_schema(engine)
    return engine


def data_version() -> int:
    """The database's data version: part of every cache key, so writes refresh caches."""
    with get_engine().connect() as conn:
        return read_data_version(conn)


P = ParamSpec("P")
R = TypeVar("R")


def scoped_cache(
    *, ttl: int = 3600, max_entries: int = 256
) -> Callable[[Callable[Concatenate[Connection, P], R]], Callable[P, R]]:
    """Caches a loader `load(conn, scope, ..., version)` as `load(scope, ..., version)`.

    The cache is shared by every user of the server: its key is every argument, so the
    loader must take the viewer's `scope: Scope` (whose data it reads) and the data
    `version` (which every write bumps, so no one reads a stale page after a write);
    `version` is only part of the key, and so are the configuration versions in force
    (a loader may judge by the rules). The connection is opened per miss.
    """

    def decorate(load: Callable[Concatenate[Connection, P], R]) -> Callable[P, R]:
        signature = inspect.signature(load)
        names = list(signature.parameters)
        annotations = [str(p.annotation) for p in signature.parameters.values()]
        if names[:1] != ["conn"] or "version" not in names or "Scope" not in annotations:
            raise TypeError(
                f"{load.__qualname__}: a scoped cache takes (conn, ..., scope: Scope, ..., "
                f"version), got ({', '.join(names)})"
            )

        @functools.wraps(load)
        def run(
            config_versions: tuple[int | None, int | None], *args: P.args, **kwargs: P.kwargs
        ) -> R:
            with get_engine().connect() as conn:
                return load(conn, *args, **kwargs)

        # The cache names and hashes the arguments the callers pass, conn not among them,
        # and the configuration versions in force, which the callers do not pass.
        callers = list(signature.parameters.values())[1:]
        config = inspect.Parameter("config_versions", inspect.Parameter.POSITIONAL_OR_KEYWORD)
        run.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[config, *callers]
        )
        # Streamlit keys the cache by module, qualified name and source: functools.wraps
        # gives `run` the loader's, so two loaders never share a cache.
        cached = st.cache_data(show_spinner=False, ttl=ttl, max_entries=max_entries)(run)

        @functools.wraps(load)
        def keyed(*args: P.args, **kwargs: P.kwargs) -> R:
            return cached(active_config().key, *args, **kwargs)

        keyed.__signature__ = signature.replace(parameters=callers)  # type: ignore[attr-defined]
        keyed.clear = cached.clear  # type: ignore[attr-defined]
        return keyed

    return decorate


@scoped_cache()
def cached_officer_portfolios(
    conn: Connection, scope: Scope, as_of: dt.date, version: int
) -> list[OfficerPortfolio]:
    """load_officer_portfolios, cached per (scope, date, data version)."""
    return load_officer_portfolios(conn, scope, as_of, get_rules().params)


@scoped_cache()
def cached_attention(conn: Connection, scope: Scope, period: Period, version: int) -> Attention:
    """Each officer of `scope` with their breached and warning findings for `period`, the
    same ranked across the scope with a summary per branch (core.rules.attention), and
    the groups' findings (from the same scorecards) for a scope of all or a branch."""
    rules = get_rules()
    cards = officer_scorecards(conn, scope, period, rules.params)
    groups = (
        viewer_group_findings(conn, scope, period, rules, cards)
        if scope.kind in ("all", "branch")
        else []
    )
    return build_attention(rules, cards, judge_officers(rules, cards), groups)


@scoped_cache(max_entries=64)
def cached_cohorts(
    conn: Connection, scope: Scope, as_of: dt.date, version: int
) -> list[CohortFigures]:
    """Trained and untrained first loans of `scope` as of a date."""
    return cohort_figures(conn, scope, as_of, get_rules().params)


@scoped_cache(max_entries=64)
def cached_totals(conn: Connection, scope: Scope, period: Period, version: int) -> Components:
    """The summed figures of every officer in `scope` (aggregates only, no officer rows)."""
    return scope_totals(conn, scope, period, get_rules().params)


@scoped_cache()
def cached_scorecard(
    conn: Connection, scope: Scope, period: Period, version: int
) -> tuple[OfficerScorecard, list[Finding]] | None:
    """The one officer of an officer's scope, with all their findings (None if absent)."""
    rules = get_rules()
    cards = officer_scorecards(conn, scope, period, rules.params)
    if len(cards) != 1:
        return None
    # The early warning's figure of the as-of day (slipping_unvisited) and its cases.
    day = day_cases(conn, scope, period.as_of, rules.warning)
    card = with_day_cases(cards[0], day)
    return card, judge_officers(rules, [card], day)[card.staff_code]


@scoped_cache()
def cached_trends(conn: Connection, scope: Scope, as_of: dt.date, version: int) -> list[TrendPoint]:
    """Recovery, on-time and PAR30 for the 12 months up to `as_of`."""
    return compute_trends(conn, scope, as_of, get_rules().params)


@scoped_cache(ttl=600)
def cached_week(conn: Connection, scope: Scope, today: dt.date, version: int) -> Plan:
    """The officer's plan for today (core.field.plan): "This week" lists its follow-ups,
    installments falling due and return visits, so it counts what the plan and the
    return-visit board count (docs/metrics.md, "Field lists")."""
    return build_plan(conn, scope, scope.staff_code or "", today, get_rules().params)


@scoped_cache(ttl=600)
def cached_code_owners(
    conn: Connection,
    scope: Scope,
    loan_codes: tuple[str, ...],
    borrower_codes: tuple[str, ...],
    version: int,
) -> dict[str, CodeOwner]:
    """The borrower (code and name) behind each loan or borrower code the scope may open."""
    return load_code_owners(conn, scope, loan_codes, borrower_codes)
