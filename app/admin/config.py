"""The configuration page's panels: the active rules and review template shown readably,
an upload that is checked before it may be installed, and the stored versions with a
confirmed restore. Validation, storage and the file swap live in core.admin.config_versions.

Errors from a config file quote the file's own text, so they are shown with st.code
(plain text), never as Markdown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from app.display import name_of
from app.forms import flash
from app.i18n import config_message, current_language, date_time, t, zone_name
from app.people import names_of, person
from app.resources import active_config, get_engine, refresh_config
from app.widgets import uploader_help
from core.admin.active_config import active_text as text_in_force
from core.admin.config_versions import (
    MAX_CONFIG_BYTES,
    ORIGINAL_NOTE,
    StoredVersion,
    check_config,
    decode_upload,
    install_config,
    list_versions,
    restore_version,
    sha256_of,
)
from core.config.lists import ConfigError
from core.reviews.template import ReviewTemplate
from core.rules import RuleSet
from core.rules.formatting import format_level
from core.settings import load_settings

FLASH = "admin_config.flash"
_EXTENSIONS = ("yaml", "yml")


def config_dir() -> Path:
    """The folder the app reads its configuration from (FIELDBOOK_CONFIG_DIR)."""
    return load_settings().config_dir


def clear_caches() -> None:
    """After an install: this run reads the versions now in force (every cache is keyed by
    them, so other processes follow on their next run), and this process forgets the
    figures computed under the old ones."""
    refresh_config()
    st.cache_data.clear()


def rules_table(rules: RuleSet) -> None:
    """The goal rules as a table: id, name, figure, direction and the three bands."""
    lang = current_language()
    st.dataframe(
        pd.DataFrame(
            {
                t("admin_config.col.id"): [r.id for r in rules.rules],
                t("admin_config.col.name"): [name_of(r) for r in rules.rules],
                t("admin_config.col.figure"): [r.figure for r in rules.rules],
                t("admin_config.col.scope"): [
                    t(f"admin_config.scope.{r.scope}") for r in rules.rules
                ],
                t("admin_config.col.better"): [
                    t(f"admin_config.better.{r.better}") for r in rules.rules
                ],
                t("admin_config.col.target"): [
                    format_level(r.kind, r.target, lang) for r in rules.rules
                ],
                t("admin_config.col.warn"): [
                    format_level(r.kind, r.warn, lang) for r in rules.rules
                ],
                t("admin_config.col.fail"): [
                    format_level(r.kind, r.fail, lang) for r in rules.rules
                ],
            }
        ),
        hide_index=True,
        width="stretch",
        key="admin_config.rules_table",
    )
    params = rules.params
    st.caption(
        t(
            "admin_config.parameters",
            values=", ".join(
                f"{name}={getattr(params, name)}" for name in params.__dataclass_fields__
            ),
        )
    )


def template_tables(template: ReviewTemplate) -> None:
    """The review template: its sections and its rating scale, as two tables."""
    lang = current_language()
    yes, no = t("admin_config.yes"), t("admin_config.no")
    st.markdown(t("admin_config.sections"))
    st.dataframe(
        pd.DataFrame(
            {
                t("admin_config.col.key"): [s.key for s in template.sections],
                t("admin_config.col.title"): [s.title(lang) for s in template.sections],
                t("admin_config.col.figures"): [", ".join(s.figures) for s in template.sections],
                t("admin_config.col.rules"): [", ".join(s.rules) for s in template.sections],
                t("admin_config.col.chart"): [s.chart or "" for s in template.sections],
                t("admin_config.col.plan"): [yes if s.plan else no for s in template.sections],
            }
        ),
        hide_index=True,
        width="stretch",
        key="admin_config.sections_table",
    )
    st.markdown(t("admin_config.ratings"))
    st.dataframe(
        pd.DataFrame(
            {
                t("admin_config.col.code"): [r.code for r in template.ratings],
                t("admin_config.col.rating"): [r.name(lang) for r in template.ratings],
            }
        ),
        hide_index=True,
        width="stretch",
        key="admin_config.ratings_table",
    )
    st.caption(t("admin_config.cycle", due=template.due_days, remind=template.remind_days))


def raw_file(file: str, text: str) -> None:
    """The active file exactly as written, folded away."""
    with st.expander(t("admin_config.raw", file=file)):
        st.code(text, language="yaml")


def upload_panel(file: str, actor: str) -> None:
    """Upload, check, then install: Install appears only once these very bytes passed.

    The uploader takes any file name (Streamlit answers a refused type with an error
    page); _check refuses anything but .yaml/.yml with a message saying so.
    """
    st.subheader(t("admin_config.upload_title"))
    round_ = st.session_state.get(f"admin_config.round.{file}", 0)
    uploaded = st.file_uploader(
        t("admin_config.upload", file=file),
        key=f"admin_config.upload.{file}.{round_}",
        max_upload_size=1,
    )
    uploader_help(1, several=False)
    if uploaded is None:
        return
    data = uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    checked_key = f"admin_config.checked.{file}"
    if st.button(t("admin_config.check"), key=f"admin_config.check.{file}"):
        st.session_state[checked_key] = _check(file, uploaded.name, data, digest)
    outcome = st.session_state.get(checked_key)
    if not outcome or outcome[0] != digest:
        return  # not checked yet, or a different file since the check
    _, ok, detail = outcome
    if not ok:
        st.error(t("admin_config.refused"))
        st.code(config_message(detail), language=None)
        return
    st.success(t("admin_config.check_ok"))
    st.code(config_message(detail), language=None)
    note = st.text_input(t("admin_config.note"), key=f"admin_config.note.{file}", max_chars=200)
    if st.button(t("admin_config.install"), key=f"admin_config.install.{file}", type="primary"):
        try:
            done = install_config(
                get_engine(),
                config_dir(),
                file,
                decode_upload(file, data),
                actor,
                dt.datetime.now(dt.UTC),
                note=note.strip() or None,
            )
        except ConfigError as exc:  # the other file changed since the check
            st.session_state[checked_key] = (digest, False, str(exc))
            st.rerun()
        clear_caches()
        st.session_state.pop(checked_key, None)
        st.session_state[f"admin_config.round.{file}"] = round_ + 1  # an empty uploader
        flash(FLASH, "success", t("admin_config.installed", file=file, id=done.version_id))
        st.rerun()


def _check(file: str, name: str, data: bytes, digest: str) -> tuple[str, bool, str]:
    # (digest, ok, summary or problem): kept in the session so Install knows these bytes
    # were checked.
    if not name.lower().endswith(tuple(f".{ext}" for ext in _EXTENSIONS)):
        return digest, False, t("admin_config.wrong_type", name=name)
    if len(data) > MAX_CONFIG_BYTES:
        return digest, False, t("admin_config.too_large", limit=MAX_CONFIG_BYTES // 1024)
    try:
        text = decode_upload(file, data)
        return digest, True, check_config(config_dir(), file, text, get_engine())
    except ConfigError as exc:
        return digest, False, str(exc)


def versions_panel(file: str, actor: str, active_sha: str) -> None:
    """The stored versions, newest first, and a restore that asks before it acts."""
    st.subheader(t("admin_config.versions"))
    with get_engine().connect() as conn:
        versions = list_versions(conn, file)
    if not versions:
        st.info(t("admin_config.no_versions"))
        return
    names = names_of(v.uploaded_by for v in versions)
    st.dataframe(
        pd.DataFrame(
            {
                t("admin_config.col.version"): [v.id for v in versions],
                t("admin_config.col.when"): [_when(v) for v in versions],
                t("admin_config.col.who"): [person(v.uploaded_by, names) for v in versions],
                t("admin_config.col.sha"): [v.sha256[:12] for v in versions],
                t("admin_config.col.note"): [_note(v.note) for v in versions],
                t("admin_config.col.active"): [
                    t("admin_config.yes") if v.sha256 == active_sha else "" for v in versions
                ],
            }
        ),
        hide_index=True,
        width="stretch",
        key=f"admin_config.versions_table.{file}",
    )
    st.caption(t("times.zone", zone=zone_name()))
    by_id = {v.id: v for v in versions}
    labels = {v.id: f"#{v.id} · {_when(v)} · {person(v.uploaded_by, names)}" for v in versions}
    chosen = st.selectbox(
        t("admin_config.restore_pick"),
        list(by_id),
        format_func=labels.__getitem__,
        key=f"admin_config.pick.{file}",
    )
    pending_key = f"admin_config.pending.{file}"
    if st.button(t("admin_config.restore"), key=f"admin_config.restore.{file}"):
        st.session_state[pending_key] = chosen
    pending = st.session_state.get(pending_key)
    if pending not in by_id:
        return
    st.warning(t("admin_config.confirm", id=pending, file=file))
    yes, cancel = st.columns(2)
    if cancel.button(t("admin_config.cancel"), key=f"admin_config.cancel.{file}"):
        st.session_state.pop(pending_key, None)
        st.rerun()
    if yes.button(t("admin_config.confirm_yes"), key=f"admin_config.yes.{file}", type="primary"):
        st.session_state.pop(pending_key, None)
        try:
            done = restore_version(
                get_engine(), config_dir(), pending, actor, dt.datetime.now(dt.UTC)
            )
        except ConfigError as exc:
            st.error(t("admin_config.restore_refused", id=pending))
            st.code(config_message(str(exc)), language=None)
            return
        clear_caches()
        flash(FLASH, "success", t("admin_config.restored", id=pending, new=done.version_id))
        st.rerun()


def _note(note: str | None) -> str:
    """A version's note; the notes core writes itself read in the reader's language (an
    admin's own note is shown as typed)."""
    if note == ORIGINAL_NOTE:
        return t("admin_config.note_original")
    restored = re.fullmatch(r"restored version (\d+)", note or "")
    if restored:
        return t("admin_config.note_restored", id=restored.group(1))
    return note or ""


def _when(version: StoredVersion) -> str:
    return date_time(version.uploaded_at)


def active_text(file: str) -> tuple[str, str]:
    """(text, sha256) of the file in force: its newest stored version, else config/'s."""
    with get_engine().connect() as conn:
        text = text_in_force(conn, config_dir(), file, active_config()) or ""
    return text, sha256_of(text)
