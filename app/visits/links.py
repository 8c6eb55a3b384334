"""Links into the visit form: the borrower page's ?borrower=<code>, and the plan's
?borrower=<code>&purpose=<purpose>&from=plan, after which the saved visit goes back to the
plan (pages/plan.py), which shows the message left under PLAN_SAVED."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import streamlit as st

PLAN_PAGE = "pages/plan.py"
PLAN_SAVED = "plan_saved_message"
_LINKED = "visits_log_linked_borrower"
_PARAMS = ("borrower", "purpose", "from")


@dataclass(frozen=True)
class Link:
    """What a link to the form chose: the borrower, maybe the purpose, and whether it
    came from the plan (which the officer goes back to once the visit is saved)."""

    borrower: str
    purpose: str | None = None
    from_plan: bool = False


def linked_borrower(codes: list[str], generation: str, purposes: Collection[str]) -> Link | None:
    """The link that opened this generation of the form: its borrower (one of `codes`)
    and purpose (one of `purposes`) start chosen.

    The parameters are taken off the address once used, so that a saved (and reset) form
    does not choose the borrower again, while the next link from a borrower page does.
    """
    wanted = st.query_params.get("borrower")
    if wanted is not None:
        purpose = st.query_params.get("purpose")
        from_plan = st.query_params.get("from") == "plan"
        for name in _PARAMS:
            if name in st.query_params:
                del st.query_params[name]
        if wanted in codes:  # anyone else's code is ignored, as if it did not exist
            link = Link(wanted, purpose if purpose in purposes else None, from_plan)
            st.session_state[_LINKED] = (generation, link)
            return link
        return None
    linked = st.session_state.get(_LINKED)
    if linked and linked[0] == generation and linked[1].borrower in codes:
        found: Link = linked[1]
        return found
    return None
