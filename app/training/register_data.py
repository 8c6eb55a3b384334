"""The training register's cached reads (keyed on the viewer's scope and the data version,
like every shared cache), the viewer as a Keeper for writes, and the labels its screens
share."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from sqlalchemy import Connection

from app.i18n import date, t
from app.resources import get_engine, scoped_cache
from app.viewer import Viewer
from core.auth.scope import Scope
from core.training.batch_choices import (
    Candidate,
    Person,
    enrol_candidates,
    officer_choices,
    trainer_choices,
)
from core.training.batch_reach import Keeper, keeper_for
from core.training.batches import (
    BATCH_PAGE,
    BatchDetail,
    BatchSummary,
    Readiness,
    count_batches,
    list_batches,
    load_batch,
    ready_for_first_loan,
)

REGISTER_PAGE = "pages/training_register.py"


def to_screen(
    label: str,
    query: dict[str, str],
    *,
    key: str,
    icon: str | None = None,
    primary: bool = False,
) -> None:
    """One tap to another screen of the register (`query`: its address's parameters).

    A button that switches pages, not a page link: Streamlit runs a link to the page on
    show with the new parameters but leaves the old ones in the address bar, so the next
    tick or field would take the person back to the screen they left."""
    if st.button(
        label, key=key, icon=icon, type="primary" if primary else "secondary", width="stretch"
    ):
        st.switch_page(REGISTER_PAGE, query_params=query)


def keeper_of(me: Viewer) -> Keeper:
    """The viewer as the register's writes take them (staff id and branch looked up)."""
    with get_engine().connect() as conn:
        return keeper_for(conn, me.scope, me.user.username)


@scoped_cache(ttl=600)
def cached_batch_page(
    conn: Connection, scope: Scope, today: dt.date, min_days: int, page: int, version: int
) -> tuple[int, list[BatchSummary]]:
    """How many batches the scope sees, and one page of them (open first)."""
    keeper = keeper_for(conn, scope, "")
    return count_batches(conn, keeper), list_batches(
        conn, keeper, today, min_days, page=page, page_size=BATCH_PAGE
    )


@scoped_cache(ttl=600)
def cached_batch(
    conn: Connection, scope: Scope, batch_id: int, today: dt.date, min_days: int, version: int
) -> BatchDetail | None:
    """One batch in the scope's reach (None outside it)."""
    return load_batch(conn, keeper_for(conn, scope, ""), batch_id, today, min_days)


@scoped_cache(ttl=600)
def cached_readiness(
    conn: Connection, scope: Scope, today: dt.date, min_days: int, version: int
) -> list[Readiness]:
    """The scope's members waiting for a first loan, ready or not."""
    return ready_for_first_loan(conn, keeper_for(conn, scope, ""), today, min_days)


@scoped_cache()
def cached_trainers(conn: Connection, scope: Scope, version: int) -> list[Person]:
    """Who may teach a batch the scope's viewer opens."""
    return trainer_choices(conn, keeper_for(conn, scope, ""))


@scoped_cache()
def cached_officers(conn: Connection, scope: Scope, branch: str, version: int) -> list[Person]:
    """The officers of a branch the scope keeps a batch of (an applicant's officer)."""
    return officer_choices(conn, branch)


@scoped_cache(ttl=600)
def cached_candidates(
    conn: Connection, scope: Scope, batch_id: int, version: int
) -> list[Candidate]:
    """Borrowers of the batch's village the scope's viewer may enrol."""
    return enrol_candidates(conn, keeper_for(conn, scope, ""), batch_id)


def batch_title(summary: BatchSummary) -> str:
    """ "柳树村 · G1, G2" (data text: escape it before Markdown)."""
    groups = ", ".join(summary.groups)
    return f"{summary.village} · {groups}" if groups else summary.village


def batch_facts(summary: BatchSummary) -> str:
    """The one-line facts under a batch's title: trainer, first day, members, days."""
    return " · ".join(
        (
            t("register.trainer", name=summary.trainer_name, code=summary.trainer_code),
            t("register.from", date=date(summary.first_day)),
            t("register.counts", members=summary.members, days=summary.days, ready=summary.ready),
        )
    )


def short_day(day: dt.date) -> str:
    """A day as a column heading: 03-04 (with the weekday in the reader's language)."""
    return f"{day.strftime('%m-%d')} {t(f'register.weekday.{day.weekday()}')}"
