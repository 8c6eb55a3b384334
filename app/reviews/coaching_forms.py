"""The coaching forms of a team leader: a new 1:1, an edit of a past one, a new action item.

A refused save shows each problem next to its field (app/forms.py) and keeps what was
typed. Widgets take their first values through the session state, never `value=`: a
keyed widget whose `value` changes between runs is a new widget, and would drop the text
typed into it when, say, a new action item changes the suggested agenda.

An edit starts from the revision it was opened at; when the 1:1 moved on meanwhile the
save is refused (EditConflict), the stored version is shown as plain text, and the
leader's text stays in the form: saving again then replaces the stored version knowingly.

Nothing typed is lost: the fields are plain widgets (no st.form, which sends nothing
until its button) and keep what is typed as a draft (app/drafts.py) until the 1:1 or the
item is saved. An edit's draft remembers the revision the edit was opened at, so a draft
restored after someone else saved that 1:1 meets their version as a conflict.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from app.drafts import FormDraft, drafted
from app.forms import field_errors, remember_errors
from app.i18n import date, t
from app.resources import get_engine
from app.reviews.coaching import flash, who
from app.viewer import Viewer
from app.widgets import coded_selectbox
from core.reviews.actions import add_action
from core.reviews.coaching import TEXT_FIELDS, SessionForm, SessionRow, save_session
from core.reviews.conflicts import EditConflict, NotPermitted
from core.reviews.models import ACTION_OWNERS
from core.validation import ValidationFailed

FIELDS = ("held_on", *TEXT_FIELDS)
# Default due date of a new action item: the next fortnightly 1:1, roughly.
DUE_AFTER = dt.timedelta(days=14)


def _errors(form: str, field: str) -> None:
    field_errors(form, field, "coaching")


def _now(today: dt.date) -> dt.datetime:
    """The save's time stamp on the app's day (tests set the day; the time is real)."""
    return dt.datetime.combine(today, dt.datetime.now(dt.UTC).time(), tzinfo=dt.UTC)


def _session_keys(suffix: str) -> dict[str, str]:
    return {field: f"coaching_{field}{suffix}" for field in FIELDS}


def _session_fields(form: str, suffix: str, draft: FormDraft) -> SessionForm:
    """The date and the four texts of a 1:1; widget keys end in `suffix`."""
    keep = draft.autosave
    held_on = st.date_input(
        t("coaching.form.date"), value=None, key=f"coaching_held_on{suffix}", **keep
    )
    _errors(form, "held_on")
    labels = {
        "agenda": "coaching.form.agenda",
        "shared_notes": "coaching.form.shared",
        "private_notes": "coaching.form.private",
        "field_notes": "coaching.form.field",
    }
    texts: dict[str, str] = {}
    for name in TEXT_FIELDS:
        texts[name] = st.text_area(
            t(labels[name]), key=f"coaching_{name}{suffix}", height=120, **keep
        )
        if name == "agenda":
            st.caption(t("coaching.form.agenda_help"))
        if name == "private_notes":
            st.caption(t("coaching.form.private_caption"))
        _errors(form, name)
    return SessionForm(held_on if isinstance(held_on, dt.date) else None, **texts)


def _refused(form: str, failed: ValidationFailed) -> None:
    remember_errors(form, failed)
    st.rerun()


def render_new_session(
    me: Viewer, officer_code: str, suggestion: list[str], today: dt.date
) -> None:
    """The "new 1:1" form: date (today), the suggested agenda, the three kinds of notes."""
    generation = st.session_state.get(f"coaching_new_gen_{officer_code}", 0)
    suffix = f"_new_{officer_code}_{generation}"
    form = f"coaching_new_{officer_code}"
    text = "\n".join(suggestion)
    empty = {"held_on": today, "agenda": text, **dict.fromkeys(TEXT_FIELDS[1:], "")}
    draft = FormDraft(form, me.user.username, _session_keys(suffix), empty)
    # The suggestion follows the data (a new action item adds a line) until the leader
    # types into the agenda; from then on their text is theirs.
    agenda_key, seed_key = f"coaching_agenda{suffix}", f"coaching_agenda_seed{suffix}"
    if draft.fresh and draft.restored_at is None:
        st.session_state[seed_key] = st.session_state[agenda_key]
    if st.session_state.get(agenda_key) in (None, st.session_state.get(seed_key)):
        st.session_state[agenda_key] = text
        st.session_state[seed_key] = text
    with st.container(border=True, key=f"coaching_new_form_{officer_code}"):
        draft.notice()
        fields = _session_fields(form, suffix, draft)
        draft.keep()
        submitted = st.button(
            t("coaching.form.submit"), type="primary", key=f"coaching_new_save_{officer_code}"
        )
    if not submitted:
        return
    try:
        save_session(
            get_engine(), me.user.username, me.scope, officer_code, None, fields, None, _now(today)
        )
    except ValidationFailed as failed:
        _refused(form, failed)
    except NotPermitted:
        st.error(t("coaching.not_permitted"))
        return
    remember_errors(form, None)
    draft.done()
    when = date(fields.held_on) if fields.held_on else ""
    flash("success", t("coaching.form.saved", date=when))
    st.session_state[f"coaching_new_gen_{officer_code}"] = generation + 1
    st.rerun()


def _row_values(row: SessionRow) -> dict[str, Any]:
    return {"held_on": row.held_on, **{n: getattr(row, n) or "" for n in TEXT_FIELDS}}


def _seed_edit(row: SessionRow, draft: FormDraft) -> dict[str, Any]:
    """The edit's seed: the stored values the widgets of `row` were filled with and the
    revision a save names ("revision"; after a conflict, the one the leader has seen) and
    the edit was opened at ("opened"). Widgets the draft filled afresh start from the
    draft's revision; untouched widgets follow a 1:1 that moved on."""
    keys = _session_keys(f"_edit_{row.id}")
    seed_key = f"coaching_edit_seed_{row.id}"
    seed = st.session_state.get(seed_key)
    if draft.fresh:
        opened = int(draft.restored_context.get("revision", row.revision))
        seed = {"values": _row_values(row), "revision": opened, "opened": opened}
        st.session_state[seed_key] = seed
        st.session_state.pop(f"coaching_conflict_{row.id}", None)  # it went with the widgets
        return dict(seed)
    untouched = seed is not None and all(
        st.session_state.get(k) == seed["values"][f] for f, k in keys.items()
    )
    if seed is None or (untouched and seed["revision"] != row.revision):
        values = _row_values(row)
        for field, key in keys.items():
            st.session_state[key] = values[field]
        seed = {"values": values, "revision": row.revision, "opened": row.revision}
        st.session_state[seed_key] = seed
        st.session_state.pop(f"coaching_conflict_{row.id}", None)  # the stored text is back
    return dict(seed)


def _show_conflict(row: SessionRow) -> None:
    conflict = st.session_state.get(f"coaching_conflict_{row.id}")
    if not isinstance(conflict, EditConflict):
        return
    st.warning(t("coaching.conflict", who=who(conflict.changed_by)))
    labels = {
        "held_on": "coaching.form.date",
        "agenda": "coaching.form.agenda",
        "shared_notes": "coaching.form.shared",
        "private_notes": "coaching.form.private",
        "field_notes": "coaching.form.field",
    }
    for field in FIELDS:
        value = conflict.current.get(field)
        st.markdown(f"**{t(labels[field])}**")
        shown = date(value) if isinstance(value, dt.date) else str(value or "")
        st.text(shown or t("coaching.history.empty"))


def render_edit_session(me: Viewer, officer_code: str, row: SessionRow, today: dt.date) -> None:
    """A leader's edit form of one past 1:1, with the conflict, if any, below it."""
    form = f"coaching_edit_{row.id}"
    draft = FormDraft(form, me.user.username, _session_keys(f"_edit_{row.id}"), _row_values(row))
    seed = _seed_edit(row, draft)
    expected = int(seed["revision"])
    # The draft names the revision the edit was opened at, not one a conflict showed: a
    # draft restored later shows the conflict again rather than save over it unseen.
    draft.context = {"revision": int(seed.get("opened", expected))}
    with st.container(border=True, key=f"coaching_edit_form_{row.id}"):
        draft.notice()
        fields = _session_fields(form, f"_edit_{row.id}", draft)
        draft.keep()
        submitted = st.button(
            t("coaching.history.save"), type="primary", key=f"coaching_edit_save_{row.id}"
        )
    if submitted:
        try:
            saved = save_session(
                get_engine(),
                me.user.username,
                me.scope,
                officer_code,
                row.id,
                fields,
                expected,
                _now(today),
            )
        except ValidationFailed as failed:
            _refused(form, failed)
        except NotPermitted:
            st.error(t("coaching.not_permitted"))
            return
        except EditConflict as conflict:
            # Their version is shown; the next save, having seen it, names their revision.
            st.session_state[f"coaching_conflict_{row.id}"] = conflict
            seed = st.session_state[f"coaching_edit_seed_{row.id}"]
            seed["revision"] = conflict.revision
        else:
            remember_errors(form, None)
            st.session_state.pop(f"coaching_conflict_{row.id}", None)
            typed = {f: st.session_state.get(f"coaching_{f}_edit_{row.id}") for f in FIELDS}
            st.session_state[f"coaching_edit_seed_{row.id}"] = {
                "values": typed,
                "revision": saved.revision,
                "opened": saved.revision,
            }
            draft.done()
            when = date(fields.held_on) if fields.held_on else ""
            flash("success", t("coaching.form.saved", date=when))
            st.rerun()
    _show_conflict(row)


def render_add_item(
    me: Viewer, officer_code: str, sessions: list[SessionRow], today: dt.date
) -> None:
    """The "add an action item" form: text, owner, due date and (optionally) the 1:1."""
    generation = st.session_state.get(f"coaching_item_gen_{officer_code}", 0)
    suffix = f"_{officer_code}_{generation}"
    form = f"coaching_item_{officer_code}"
    labels = {str(s.id): date(s.held_on) for s in sessions}
    draft = FormDraft(
        form,
        me.user.username,
        {name: f"coaching_item_{name}{suffix}" for name in ("text", "owner", "due", "session")},
        {"text": "", "owner": ACTION_OWNERS[0], "due": today + DUE_AFTER, "session": ""},
        coded=("owner", "session"),
        choices={"owner": ACTION_OWNERS, "session": ("", *labels)},
    )
    keep = draft.autosave
    draft.notice()
    text = st.text_area(
        t("coaching.add.text"), key=f"coaching_item_text{suffix}", height=80, **keep
    )
    _errors(form, "text")
    owner = coded_selectbox(
        t("coaching.add.owner"),
        ACTION_OWNERS,
        lambda code: t(f"coaching.owner.{code}"),
        key=f"coaching_item_owner{suffix}",
        **keep,
    )
    _errors(form, "owner")
    due_on = st.date_input(
        t("coaching.add.due"), value=None, key=f"coaching_item_due{suffix}", **keep
    )
    _errors(form, "due_on")
    session = coded_selectbox(
        t("coaching.add.session"),
        ("", *labels),
        lambda code: labels.get(code, t("coaching.add.no_session")),
        key=f"coaching_item_session{suffix}",
        **keep,
    )
    _errors(form, "coaching_id")
    draft.keep()
    submitted = st.button(t("coaching.add.submit"), key=f"coaching_item_save_{officer_code}")
    if not submitted:
        return
    try:
        add_action(
            get_engine(),
            me.user.username,
            me.scope,
            officer_code,
            text,
            owner,
            due_on if isinstance(due_on, dt.date) else None,
            int(session) if session else None,
            today,
        )
    except ValidationFailed as failed:
        _refused(form, failed)
    except NotPermitted:
        st.error(t("coaching.not_permitted"))
        return
    remember_errors(form, None)
    draft.done()
    flash("success", t("coaching.add.saved"))
    st.session_state[f"coaching_item_gen_{officer_code}"] = generation + 1
    st.rerun()


def item_drafted(me: Viewer, officer_code: str) -> bool:
    """Whether the "add an action item" form should open by itself: it holds a draft the
    leader left. Asked once per visit of the page (an expander that opened and closed
    again as the leader types would be worse than one that stays as it is)."""
    flag = f"coaching_item_open_{officer_code}"
    generation = st.session_state.get(f"coaching_item_gen_{officer_code}", 0)
    if f"coaching_item_text_{officer_code}_{generation}" not in st.session_state:
        keys = [key for key, _ in drafted(me.user.username, f"coaching_item_{officer_code}")]
        st.session_state[flag] = f"coaching_item_{officer_code}" in keys
    return bool(st.session_state.get(flag))


def edits_drafted(me: Viewer, sessions: list[SessionRow]) -> set[int]:
    """The 1:1s whose edit the leader left with a draft: their edit forms open by
    themselves, so the text typed there is found again. Asked when the page is drawn
    afresh (the edit switches are new), then kept for the visit of the page: an
    expander must not close under the leader's hands."""
    kept = "coaching_edits_drafted"
    if any(f"coaching_editing_{row.id}" not in st.session_state for row in sessions):
        prefix = "coaching_edit_"
        found = drafted(me.user.username, prefix)
        st.session_state[kept] = {
            int(key[len(prefix) :]) for key, _ in found if key[len(prefix) :].isdigit()
        }
    return set(st.session_state.get(kept, set()))
