"""Drafts of forms: what a person types is not lost when they leave the page unsaved.

Streamlit keeps a widget's value only while the widget is on the page: going to another
page, a refresh, or a phone reloading the page draws the form afresh and empty. So a
form's fields save themselves as a draft in the database (core/drafts.py) when the
person leaves one (on_change), and a form drawn afresh fills itself from the draft and
says so ("Restored what you typed at 07:05 …", with a Discard button). The draft goes
when the form's record is written, or when the person discards it.

A form uses it in every run:

    draft = FormDraft(key, username, fields, defaults, coded={"purpose"})  # before widgets
    draft.notice()
    st.text_area(label, key=fields["notes"], **draft.autosave)          # no value=
    ...
    draft.keep()                                                        # after widgets
    if st.button(...):
        write the record; draft.done(); st.rerun()

`fields` names each value and the session-state key holding it now (keys may carry a
generation or a data version; the names stay). `defaults` are the values of a form
nothing was typed into; they seed new widgets, which therefore take no `value=`. A draft
is kept only while the values differ from them. `keep()` also saves values that differ
from the draft last stored: a click that comes together with leaving a box can cut the
box's own save short.

Values round-trip as JSON: text, numbers, booleans, None, and dates (as {"date": ISO}).
Nothing of a draft is ever rendered as HTML or Markdown: it goes back into the widgets.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Mapping
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from app.i18n import LANGUAGES, current_language, date, t
from app.resources import get_engine
from core.drafts import (
    DraftTooLarge,
    StoredDraft,
    discard_draft,
    drafts_of,
    load_draft,
    save_draft,
)
from core.localtime import local_clock, local_today, to_local

_LOG = logging.getLogger(__name__)


def encode(value: Any) -> Any:
    """A widget's value as JSON: a date as {"date": "2025-06-29"}, lists item by item."""
    if isinstance(value, dt.datetime):
        raise TypeError("no form of Fieldbook keeps a time of day in a draft")
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    """The widget's value of encode(value)."""
    if isinstance(value, dict) and set(value) == {"date"}:
        return dt.date.fromisoformat(str(value["date"]))
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def drafted(username: str, prefix: str) -> list[tuple[str, dt.datetime]]:
    """The form keys and times of the person's drafts whose key starts with `prefix`,
    newest first: say, the day of a time sheet they typed into last."""
    try:
        found = drafts_of(get_engine(), username, prefix)
    except SQLAlchemyError:
        _LOG.exception("could not read the drafts of %s", username)
        return []
    return [(d.form_key, d.saved_at) for d in found]


class FormDraft:
    """One form's draft for one run: fills new widgets, keeps typed values, says so."""

    def __init__(
        self,
        key: str,
        username: str,
        fields: Mapping[str, str],
        defaults: Mapping[str, Any],
        *,
        coded: Collection[str] = (),
        widgets: Mapping[str, str] | None = None,
        choices: Mapping[str, Collection[Any]] | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        """`key`: the draft's name (per person); `fields`: value name → session key;
        `defaults`: value name → its value when nothing is typed; `coded`: names of
        app.widgets.coded_selectbox fields (the code under the key, the widget under
        key__<language>); `widgets`: names whose widget has another key than the one
        holding the value; `choices`: the values a selectbox offers (a draft's choice no
        longer offered is dropped); `context`: values kept with the draft that are no
        field (say, the revision an edit started from). Call it before the widgets."""
        self.key = key
        self.username = username
        self.fields = dict(fields)
        self.defaults = {name: defaults.get(name) for name in self.fields}
        self.coded = frozenset(coded)
        self.widgets = dict(widgets or {})
        self.choices = dict(choices or {})
        self.context = dict(context or {})
        # Filled afresh this run (new widgets); and the context of a draft restored then.
        self.fresh = False
        self.restored_context: dict[str, Any] = {}
        self._begin()

    # -- state kept in the session: what the database holds, and what to say -----------

    @property
    def _state(self) -> dict[str, Any]:
        state: dict[str, Any] = st.session_state.setdefault(f"_draft_{self.key}", {})
        return state

    @property
    def restored_at(self) -> dt.datetime | None:
        """When the draft that filled this form was saved (None: nothing was restored)."""
        value = self._state.get("restored_at")
        return value if isinstance(value, dt.datetime) else None

    @property
    def autosave(self) -> dict[str, Any]:
        """Keyword arguments of each field's widget: saving the draft when it is left."""
        return {"on_change": self.changed}

    def _widget_keys(self, name: str) -> list[str]:
        if name in self.widgets:
            return [self.widgets[name]]
        if name in self.coded:
            return [f"{self.fields[name]}__{language}" for language in LANGUAGES]
        return [self.fields[name]]

    def _is_new(self) -> bool:
        """Whether none of the form's widgets is in the session: the form is drawn afresh
        (first time in this session, back from another page, after a refresh)."""
        return not any(
            key in st.session_state for name in self.fields for key in self._widget_keys(name)
        )

    def _set(self, name: str, value: Any, *, shown: bool) -> None:
        """Puts `value` into a field. Widgets `shown` in the browser get it through their
        own key (which moves the browser's widget too); new ones take it from the key."""
        st.session_state[self.fields[name]] = value
        if name in self.widgets:
            widget = self.widgets[name]
            if shown and value is not None:
                st.session_state[widget] = value
            else:
                st.session_state.pop(widget, None)
        elif name in self.coded:
            for language in LANGUAGES:
                widget = f"{self.fields[name]}__{language}"
                if shown and language == current_language():
                    st.session_state[widget] = value
                else:
                    st.session_state.pop(widget, None)

    def _offered(self, name: str, value: Any) -> Any:
        """A multiselect's drafted items that are still offered (the rest went since)."""
        if isinstance(value, list) and name in self.choices:
            return [v for v in value if v in self.choices[name]]
        return value

    def _fits(self, name: str, value: Any) -> bool:
        """Whether a draft's value can go back into its field: a choice still offered, a
        value of the field's kind (a date where a date is typed, text where text is)."""
        # A multiselect's list is trimmed to what is offered before (`_offered`).
        offered = self.choices.get(name)
        single = value is not None and not isinstance(value, list)
        if offered is not None and single and value not in offered:
            return False
        default = self.defaults[name]
        if default is None or value is None:
            return True
        if isinstance(default, bool) or isinstance(value, bool):
            return isinstance(default, bool) and isinstance(value, bool)
        if isinstance(default, int | float):
            return isinstance(value, int | float)
        return isinstance(value, type(default))

    # -- the lifecycle -----------------------------------------------------------------

    def _begin(self) -> None:
        state = self._state
        if self._is_new():
            self.fresh = True
            self._restore()
        elif state.pop("reset", False):
            # The record was written last run: the fields show what a new form holds.
            for name, value in self.defaults.items():
                self._set(name, value, shown=True)

    def _restore(self) -> None:
        """Fills new widgets from the stored draft over the defaults."""
        state = self._state
        state.clear()
        found = self._load()
        values = dict(self.defaults)
        if found is not None:
            typed = {
                name: decode(value)
                for name, value in dict(found.values.get("fields") or {}).items()
                if name in self.fields
            }
            values.update({n: v for n, v in typed.items() if self._fits(n, v)})
            state["stored"] = {"fields": found.values.get("fields"), **self._context_of(found)}
            if self._encoded(values) != self._encoded(self.defaults):
                state["restored_at"] = found.saved_at
                self.restored_context = dict(found.values.get("context") or {})
        for name, value in values.items():
            self._set(name, value, shown=False)

    @staticmethod
    def _context_of(found: StoredDraft) -> dict[str, Any]:
        context = found.values.get("context")
        return {"context": context} if context else {}

    def _load(self) -> StoredDraft | None:
        try:
            return load_draft(get_engine(), self.username, self.key)
        except SQLAlchemyError:
            _LOG.exception("could not read the draft %s of %s", self.key, self.username)
            return None

    @staticmethod
    def _encoded(values: Mapping[str, Any]) -> dict[str, Any]:
        return {name: encode(value) for name, value in values.items()}

    def _typed(self) -> dict[str, Any]:
        """The fields' values now, as JSON."""
        return self._encoded({n: st.session_state.get(k) for n, k in self.fields.items()})

    def _content(self, typed: dict[str, Any]) -> dict[str, Any]:
        return {"fields": typed, **({"context": self.context} if self.context else {})}

    def _store(self) -> None:
        """Saves the typed values when they differ from the stored draft; removes the
        draft when the person took back everything they typed."""
        state = self._state
        typed = self._typed()
        if typed == self._encoded(self.defaults):
            if state.get("stored") is not None:
                self._forget()
            return
        content = self._content(typed)
        if content == state.get("stored"):
            return
        try:
            save_draft(get_engine(), self.username, self.key, content)
        except DraftTooLarge:
            state["problem"] = "too_large"
            return
        except SQLAlchemyError:
            _LOG.exception("could not keep the draft %s of %s", self.key, self.username)
            state["problem"] = "failed"
            return
        state["stored"] = content
        state.pop("problem", None)

    def changed(self) -> None:
        """on_change of every field: the draft follows what was typed."""
        self._store()

    def keep(self) -> None:
        """After the form's widgets, every run: keeps what is typed and not stored yet."""
        self._store()

    def _forget(self) -> None:
        try:
            discard_draft(get_engine(), self.username, self.key)
        except SQLAlchemyError:
            _LOG.exception("could not remove the draft %s of %s", self.key, self.username)
        state = self._state
        state.clear()

    def done(self) -> None:
        """The form's record is written: the draft goes, and the next run's fields show
        what a new form holds (call before st.rerun)."""
        self._forget()
        self._state["reset"] = True

    def _discard(self) -> None:
        """The Discard button: the draft goes and the fields show their defaults."""
        self._forget()
        for name, value in self.defaults.items():
            self._set(name, value, shown=True)

    def notice(self) -> None:
        """Says that the form holds a restored draft, with a Discard button; and when a
        draft could not be kept. Call where the form begins."""
        problem = self._state.get("problem")
        if problem:
            st.warning(t(f"drafts.problem.{problem}"))
        saved_at = self.restored_at
        if saved_at is None:
            return
        local = to_local(saved_at)
        if local.date() == local_today():
            text = t("drafts.restored", time=local_clock(saved_at))
        else:
            text = t("drafts.restored_on", date=date(local.date()), time=local_clock(saved_at))
        st.info(text)
        st.button(t("drafts.discard"), key=f"draft_discard_{self.key}", on_click=self._discard)
