"""Shared widgets."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from app.i18n import current_language, t
from core.auth.roles import BORROWER, ROLES_BY_CODE
from core.portfolio.names import CodeOwner

# Characters Markdown (and Streamlit's :colour[] directives) give a meaning to.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
# The address Streamlit gives pages/borrower.py (its file name), relative to any page.
BORROWER_URL = "borrower"


def coded_selectbox(
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str],
    key: str,
    *,
    on_change: Callable[..., None] | None = None,
    args: tuple[Any, ...] = (),
) -> str:
    """A selectbox over codes whose labels follow the language, keeping the choice.

    Streamlit keeps a keyed widget's labels when only format_func changes, so a
    language switch would leave old-language labels behind. The widget key therefore
    includes the language, and the chosen code is kept under `key` across switches.
    `on_change(*args)` runs after a new choice, with the choice already under `key`.
    """
    return _coded(st.selectbox, label, options, format_func, key, on_change, args)


def coded_radio(
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str],
    key: str,
    *,
    on_change: Callable[..., None] | None = None,
    args: tuple[Any, ...] = (),
) -> str:
    """coded_selectbox as radio buttons side by side: one tap chooses (a selectbox takes
    two on a phone). The same keys, so app/drafts.py keeps it like a coded selectbox."""
    return _coded(st.radio, label, options, format_func, key, on_change, args, horizontal=True)


def _coded(
    widget_of: Callable[..., Any],
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str],
    key: str,
    on_change: Callable[..., None] | None,
    args: tuple[Any, ...],
    **extra: Any,
) -> str:
    chosen = st.session_state.get(key, options[0] if options else "")
    index = list(options).index(chosen) if chosen in options else 0
    # Labels are fixed now: Streamlit may format values again outside this script run.
    labels = {option: format_func(option) for option in options}
    widget = f"{key}__{current_language()}"

    def changed() -> None:
        st.session_state[key] = st.session_state.get(widget)
        if on_change is not None:
            on_change(*args)

    # Inside a form a widget may not have a callback: only those that ask get one.
    value = widget_of(
        label,
        options,
        index=index,
        format_func=labels.__getitem__,
        key=widget,
        on_change=changed if on_change is not None else None,
        **extra,
    )
    st.session_state[key] = value
    return str(value)


def uploader_help(limit_mb: int, *, several: bool) -> None:
    """A line under st.file_uploader saying in the reader's words what its box does.

    Streamlit draws the box's own texts ("Drag and drop files here", the "Upload" button,
    "50.0MB per file") in English whatever the language, and offers no way to replace
    them; the line names the button as it appears, so a Chinese reader can follow.
    """
    if several:
        st.caption(t("uploader.help_many", limit=limit_mb))
    else:
        st.caption(t("uploader.help_one", limit=limit_mb))


def plain(text: str) -> str:
    """Data text made inert for st.markdown / st.success: every Markdown sign escaped."""
    return _MARKDOWN.sub(r"\\\1", text)


def opens_borrowers(role: str) -> bool:
    """Whether a role has the borrower page at all (a trainer has not: their screens show
    codes as plain text). The page itself still answers "not found" outside the scope."""
    spec = ROLES_BY_CODE.get(role)
    return spec is not None and BORROWER in spec.pages


def borrower_href(
    borrower_code: str, loan_code: str | None = None, as_of: dt.date | None = None
) -> str:
    """The one address of a borrower's page (with a loan: that loan opened on it; with a
    date: the file as of that day). The loan comes last: `link_column` reads it there."""
    query = {"code": borrower_code}
    if as_of is not None:
        query["as_of"] = as_of.isoformat()
    if loan_code:
        query["loan"] = loan_code
    return f"{BORROWER_URL}?{urlencode(query)}"


def borrower_markdown(
    borrower_code: str, name: str, *, linked: bool, loan_code: str | None = None
) -> str:
    """A borrower (or one of their loans) as Markdown: the code, a link to the borrower
    page when `linked`, and the name beside it. Codes and names come from imports, so
    both are escaped: no text of the data becomes Markdown or HTML."""
    shown = plain(loan_code or borrower_code)
    if linked:
        shown = f"[{shown}]({borrower_href(borrower_code, loan_code)})"
    return f"{shown} {plain(name)}" if name else shown


def borrower_cells(
    codes: Sequence[tuple[str, str | None]], *, linked: bool, as_of: dt.date | None = None
) -> list[str]:
    """A dataframe column of (borrower code, loan code or None) pairs: links to the
    borrower page when `linked` (shown as the code by `link_column`), else the codes."""
    if linked:
        return [borrower_href(borrower, loan, as_of) for borrower, loan in codes]
    return [loan or borrower for borrower, loan in codes]


def link_column(*, loan: bool = False, linked: bool = True, pinned: bool = False) -> Any:
    """The column config that shows `borrower_cells` links as their code (the loan's
    code for loan links); None (a plain text column) when nothing is linked."""
    if not linked:
        return None
    pattern = r"[?&]loan=([^&]*)$" if loan else r"\?code=([^&]*)"
    return st.column_config.LinkColumn(
        display_text=pattern, help=t("links.help"), pinned=pinned or None
    )


def cases_markdown(codes: Sequence[str], owners: Mapping[str, CodeOwner], *, linked: bool) -> str:
    """A figure's or finding's cases as one Markdown line: each loan or borrower code with
    its borrower's name (and link, see `borrower_markdown`); a code `owners` does not
    know (outside the scope) stays a bare code."""
    parts = []
    for code in codes:
        owner = owners.get(code)
        if owner is None:
            parts.append(plain(code))
        else:
            parts.append(
                borrower_markdown(
                    owner.borrower_code, owner.name, linked=linked, loan_code=owner.loan_code
                )
            )
    return " · ".join(parts)
