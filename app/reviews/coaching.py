"""The coaching screen's cached loaders and read-only pieces: action items with their
buttons, and the history of 1:1s.

Loaders are keyed on (scope, officer, filters, data version): the cache is shared by all
users, so nothing here reads the session inside a cached function, and every write moves
the data version on. User-written text is shown with st.text or escaped, never as HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping

import streamlit as st
from sqlalchemy import Connection

from app import clock, forms
from app.i18n import date, t
from app.people import names_of, person
from app.resources import get_engine, scoped_cache
from app.viewer import Viewer
from app.visits.view import plain
from core.auth.scope import Scope
from core.reviews.access import OfficerRef, scope_officers
from core.reviews.actions import (
    ActionRow,
    load_actions,
    load_closed_actions,
    overdue_actions,
    set_action_status,
)
from core.reviews.coaching import SessionRow, load_sessions
from core.reviews.conflicts import EditConflict, NotPermitted
from core.validation import ValidationFailed

FLASH = "coaching_flash"  # a message for the next run: (kind, text)


@scoped_cache(ttl=600)
def cached_officers(conn: Connection, scope: Scope, version: int) -> list[OfficerRef]:
    """The officers a scope reaches (a team leader's team)."""
    return scope_officers(conn, scope)


@scoped_cache(ttl=600)
def cached_sessions(
    conn: Connection, scope: Scope, officer_code: str, include_private: bool, version: int
) -> list[SessionRow]:
    """An officer's 1:1s, newest first (private notes only for a team scope asking)."""
    return load_sessions(conn, scope, officer_code, include_private)


@scoped_cache(ttl=600)
def cached_actions(
    conn: Connection,
    scope: Scope,
    officer_code: str,
    statuses: tuple[str, ...],
    today: dt.date,
    version: int,
) -> list[ActionRow]:
    """An officer's action items with these statuses, overdue judged against `today`."""
    return load_actions(conn, scope, officer_code, statuses, today=today)


@scoped_cache(ttl=600)
def cached_closed(
    conn: Connection, scope: Scope, officer_code: str, today: dt.date, version: int
) -> list[ActionRow]:
    """An officer's done and dropped items, the most recently closed first."""
    return load_closed_actions(conn, scope, officer_code, today=today)


@scoped_cache(ttl=600)
def cached_overdue(conn: Connection, scope: Scope, today: dt.date, version: int) -> list[ActionRow]:
    """The scope's open action items due before `today` (the home pages' reminders)."""
    return overdue_actions(conn, scope, today)


def flash(kind: str, text: str) -> None:
    """Keeps a message for the top of the next run (app/forms.py)."""
    forms.flash(FLASH, kind, text)


def show_flash() -> None:
    """Shows, once, the message a save left for this run."""
    forms.show_flash(FLASH)


def who(username: str | None) -> str:
    """The person behind a username, by name, for a sentence, Markdown-inert (someone,
    when unknown)."""
    return plain(person(username, names_of([username]))) if username else t("coaching.someone")


def _set_status(me: Viewer, item: ActionRow, status: str) -> None:
    """A button's callback: runs before the rerun, with the revision shown on the button's
    run, so a change made meanwhile by someone else is reported, not overwritten."""
    # Stamped on the app's day (tests set the day; the time is real), as the 1:1s are.
    now = dt.datetime.combine(clock.today(), dt.datetime.now(dt.UTC).time(), tzinfo=dt.UTC)
    try:
        set_action_status(
            get_engine(), me.user.username, me.scope, item.id, status, item.revision, now=now
        )
    except EditConflict as conflict:
        current = t(f"coaching.status.{conflict.current['status']}")
        flash("warning", t("coaching.items.conflict", who=who(conflict.changed_by), status=current))
    except NotPermitted:
        flash("error", t("coaching.not_permitted"))
    except ValidationFailed as failed:
        flash("error", " ".join(t(f"coaching.error.{e.code}", **e.values) for e in failed.errors))
    else:
        flash("success", t(f"coaching.items.saved_{status}"))


def _buttons(me: Viewer, item: ActionRow, leader: bool) -> None:
    # An officer closes only what they agreed to do; the leader closes or drops any item.
    statuses = ("done", "dropped") if leader else ("done",) if item.owner == "officer" else ()
    for column, status in zip(st.columns(max(len(statuses), 1)), statuses, strict=False):
        column.button(
            t(f"coaching.items.button_{status}"),
            key=f"coaching_{status}_{item.id}",
            on_click=_set_status,
            args=(me, item, status),
        )


def render_actions(me: Viewer, items: list[ActionRow], leader: bool) -> None:
    """The open action items, overdue first in red, each with the buttons the viewer may
    use (an officer: "done" on their own items; a leader: done or drop on any)."""
    if not items:
        st.caption(t("coaching.items.none"))
        return
    ordered = sorted(items, key=lambda i: (not i.overdue, i.due_on, i.id))
    for item in ordered:
        with st.container(border=True):
            st.text(item.text)
            due = t("coaching.items.due", date=date(item.due_on))
            if item.overdue:
                due = f":red[**{due} · {t('coaching.items.overdue')}**]"
            owner = t("coaching.items.owner", owner=t(f"coaching.owner.{item.owner}"))
            st.markdown(f"{owner} · {due}")
            _buttons(me, item, leader)


def _closer(item: ActionRow) -> str:
    """Who closed an item: their display name, else their username (the account is
    gone), else "not recorded" (closed before the app kept it); Markdown-inert."""
    name = item.closer_name or item.closed_by
    return plain(name) if name else t("coaching.done.not_recorded")


def render_closed(me: Viewer, items: list[ActionRow], leader: bool) -> None:
    """The done and dropped items, newest closed first, each with who closed it and when,
    and "Reopen" where the viewer may reopen it (a leader: any; an officer: their own)."""
    if not items:
        st.caption(t("coaching.done.none"))
        return
    for item in items:
        with st.container(border=True):
            st.text(item.text)
            when = date(item.closed_at.date()) if item.closed_at else None
            closed = t(
                f"coaching.done.closed_{item.status}",
                who=_closer(item),
                date=when or t("coaching.done.not_recorded"),
            )
            owner = t("coaching.items.owner", owner=t(f"coaching.owner.{item.owner}"))
            due = t("coaching.items.due", date=date(item.due_on))
            st.markdown(f"{closed}  \n{owner} · {due}")
            if leader or item.owner == "officer":
                st.button(
                    t("coaching.items.button_open"),
                    key=f"coaching_open_{item.id}",
                    on_click=_set_status,
                    args=(me, item, "open"),
                )


def _block(label: str, text: str) -> None:
    st.markdown(f"**{label}**")
    st.text(text or t("coaching.history.empty"))


def history_label(row: SessionRow, names: Mapping[str, str]) -> str:
    """An expander's title: the date and the leader by name (Markdown-inert); `names` from
    app.people.names_of."""
    leader = plain(person(row.leader_username, names))
    return t("coaching.history.label", date=date(row.held_on), leader=leader)


def render_session(row: SessionRow) -> None:
    """One 1:1 read-only: agenda, shared notes, field-visit notes, and the private notes
    when the row carries them (a leader's read; an officer's rows never do)."""
    _block(t("coaching.form.agenda"), row.agenda)
    _block(t("coaching.form.shared"), row.shared_notes)
    _block(t("coaching.form.field"), row.field_notes)
    if row.private_notes is not None:
        _block(t("coaching.form.private"), row.private_notes)
        st.caption(t("coaching.form.private_caption"))


def render_history(
    sessions: list[SessionRow],
    editor: Callable[[SessionRow], None] | None = None,
    editing: Collection[int] = (),
) -> None:
    """The 1:1s, newest first, one expander each (the newest open); `editor` draws a
    leader's edit form for a row when they switch editing on, which the rows of
    `editing` (an edit left with a draft) start with."""
    if not sessions:
        st.caption(t("coaching.history.none"))
        return
    names = names_of(row.leader_username for row in sessions)
    for index, row in enumerate(sessions):
        if row.id in editing:
            st.session_state.setdefault(f"coaching_editing_{row.id}", True)
        with st.expander(history_label(row, names), expanded=index == 0 or row.id in editing):
            edit = editor is not None and st.toggle(
                t("coaching.history.edit"), key=f"coaching_editing_{row.id}"
            )
            if edit and editor is not None:
                editor(row)
            else:
                render_session(row)
