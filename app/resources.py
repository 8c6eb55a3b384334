"""The engine and cached loaders. Caches are shared by every user of the server, so
each cached loader is keyed by the viewer's scope and the data version."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy import Engine

from core.db import make_engine, read_data_version
from core.queries.portfolio import OfficerPortfolio, load_officer_portfolios
from core.rules import RuleSet, load_default_rules
from core.schema import ensure_schema
from core.scope import Scope
from core.settings import load_settings


@st.cache_resource(show_spinner=False)
def get_rules() -> RuleSet:
    """The goal rules and metric parameters of config/ (validated; errors are not cached)."""
    return load_default_rules(load_settings().config_dir)


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


@st.cache_data(show_spinner=False, ttl=3600, max_entries=256)
def cached_officer_portfolios(scope: Scope, as_of: dt.date, version: int) -> list[OfficerPortfolio]:
    """load_officer_portfolios, cached per (scope, date, data version)."""
    del version  # only part of the cache key
    with get_engine().connect() as conn:
        return load_officer_portfolios(conn, scope, as_of)
