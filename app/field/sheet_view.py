"""The collection sheet screen: a meeting day's sheet of one officer, read on a phone, its
PDF to print, and the meeting recorded on the same screen (core/field).

Phone first: a compact block per member (name and code linking to the borrower page, the
loan, what falls due, arrears and expected), no table to scroll sideways. Recording is a
box for the amount and a choice of reason per row, plain widgets that keep what is typed
as a draft (app/drafts.py) so a reload or a dropped connection loses nothing; a refused
save names the row and keeps every value. Only the officer records their own meeting;
a team leader sees their officers' sheets.
"""

from __future__ import annotations

import datetime as dt
import functools

import streamlit as st
from sqlalchemy import Connection

from app.downloads import file_download
from app.drafts import FormDraft, drafted
from app.forms import remember_errors, remembered_errors
from app.i18n import current_language, date, money, t
from app.resources import get_engine, get_rules, scoped_cache
from app.visits.view import plain
from app.widgets import coded_selectbox
from core.auth.scope import Scope
from core.db.engine import data_write
from core.exports.pdf_common import font_problem
from core.field.meeting import (
    NO_PAYMENT_OUTCOMES,
    MeetingEntry,
    Recorded,
    meeting_records,
    record_meeting,
)
from core.field.sheet import Sheet, SheetGroup, SheetRow, build_collection_sheet
from core.field.sheet_pdf import PrintedSheet, collection_sheets_pdf
from core.metrics.params import MetricParams
from core.reviews.access import OfficerRef, scope_officers
from core.validation import ValidationFailed

FORM = "collection_sheet_meeting"
_FLASH = "collection_sheet_saved"
_GENERATION = "collection_sheet_generation"
REASONS = ("", *NO_PAYMENT_OUTCOMES)
ALL = ""
# Fixed CSS (no data in it): a member's link is a tap target of at least 44 px.
_STYLE = """<style>
[class*="st-key-sheet_row_"] [data-testid="stPageLink"] a {min-height: 44px; align-items: center;}
</style>"""


@scoped_cache(ttl=600)
def cached_officers(conn: Connection, scope: Scope, version: int) -> list[OfficerRef]:
    """The officers whose sheets the viewer may read (a team leader's team, an officer)."""
    return scope_officers(conn, scope)


@scoped_cache()
def cached_sheet(
    conn: Connection,
    scope: Scope,
    officer_code: str,
    day: dt.date,
    params: MetricParams,
    version: int,
) -> Sheet:
    """build_collection_sheet, every group (the parameters are part of the key, so a
    changed sheet_window_days shows at once)."""
    return build_collection_sheet(conn, scope, officer_code, day, params)


@scoped_cache()
def cached_records(
    conn: Connection, scope: Scope, officer_code: str, day: dt.date, version: int
) -> dict[str, Recorded]:
    """What the officer recorded already for the meeting day, by loan code."""
    return meeting_records(conn, scope, officer_code, day)


def where_choices(sheet: Sheet) -> list[str]:
    """The choices of "group or village": all, each village ("v:<village>") and each group
    ("g:<village>/<group>")."""
    villages = sorted({g.village for g in sheet.groups})
    groups = [f"g:{g.village}/{g.group_code}" for g in sheet.groups]
    return [ALL, *(f"v:{v}" for v in villages), *groups]


def where_label(choice: str, sheet: Sheet) -> str:
    """A choice of where_choices in the reader's language."""
    if choice == ALL:
        return t("collection_sheet.where_all")
    if choice.startswith("v:"):
        return t("collection_sheet.where_village", village=choice[2:])
    village, _, group = choice[2:].rpartition("/")
    return t("collection_sheet.where_group", group=group or "—", village=village)


def narrowed(sheet: Sheet, choice: str) -> Sheet:
    """The sheet with only the groups of a where_choices choice (totals follow)."""
    if choice == ALL:
        return sheet
    if choice.startswith("v:"):
        keep = tuple(g for g in sheet.groups if g.village == choice[2:])
    else:
        keep = tuple(g for g in sheet.groups if f"g:{g.village}/{g.group_code}" == choice)
    return Sheet(sheet.officer_code, sheet.day, keep)


def _row_block(row: SheetRow) -> None:
    """One member's loan as a compact block: a link to the borrower, then the amounts."""
    st.page_link(
        "pages/borrower.py",
        label=f"{plain(row.borrower_name)} · {row.borrower_code}",
        icon=":material/person:",
        query_params={"code": row.borrower_code},
    )
    due = (
        t("collection_sheet.installment", date=date(row.due_on), amount=money(row.installment_due))
        if row.due_on is not None
        else t("collection_sheet.no_installment")
    )
    facts = " · ".join(
        (
            t("collection_sheet.loan", loan=plain(row.loan_code)),
            due,
            t("collection_sheet.arrears", amount=money(row.arrears)),
        )
    )
    # One element for the facts and the amount to collect: a long sheet draws fewer.
    expected = t("collection_sheet.expected", amount=money(row.expected))
    st.markdown(f":gray[{facts}]  \n**{expected}**")


def render_summary(sheet: Sheet) -> None:
    """The sheet's total expected and its size."""
    loans = sum(len(g.rows) for g in sheet.groups)
    st.metric(t("collection_sheet.sheet_total"), money(sheet.total_expected))
    st.caption(t("collection_sheet.sheet_count", loans=loans, groups=len(sheet.groups)))


def render_pdf_button(sheet: Sheet, officer_name: str) -> None:
    """The sheet as a PDF to print, made only when the button is pressed."""
    problem = font_problem()
    if problem is not None:  # no Chinese font on the server: say which package, no button
        st.warning(t("collection_sheet.no_pdf", detail=problem))
        return
    file_download(
        t("collection_sheet.download_pdf"),
        # Made only when pressed.
        functools.partial(
            collection_sheets_pdf, [PrintedSheet(sheet, officer_name)], current_language()
        ),
        file_name=f"collection-sheet-{sheet.officer_code}-{sheet.day.isoformat()}.pdf",
        mime="application/pdf",
        key="collection_sheet_pdf",
        icon=":material/picture_as_pdf:",
        width="stretch",
    )


def draft_key(sheet: Sheet, choice: str) -> str:
    """The name of the recording's draft: per officer, day and choice of groups."""
    return f"{FORM}_{sheet.officer_code}_{sheet.day.isoformat()}_{choice}"


def has_draft(username: str, sheet: Sheet, choice: str) -> bool:
    """Whether the person left typed values in this sheet's recording."""
    key = draft_key(sheet, choice)
    return any(found == key for found, _ in drafted(username, key))


class MeetingForm:
    """The recording widgets of one sheet (officer, day and choice of groups): a draft
    per sheet, field names amount_<loan>, reason_<loan>, again_<loan>."""

    def __init__(self, username: str, sheet: Sheet, choice: str, recorded: dict[str, Recorded]):
        self.sheet = sheet
        self.recorded = recorded
        generation = st.session_state.get(_GENERATION, 0)
        suffix = f"_{sheet.officer_code}_{sheet.day.isoformat()}_n{generation}"
        self.loans = [row.loan_code for g in sheet.groups for row in g.rows]
        fields: dict[str, str] = {}
        defaults: dict[str, object] = {}
        for loan in self.loans:
            fields[f"amount_{loan}"] = f"sheet_amount_{loan}{suffix}"
            fields[f"reason_{loan}"] = f"sheet_reason_{loan}{suffix}"
            defaults |= {f"amount_{loan}": "", f"reason_{loan}": ""}
            if loan in recorded:
                fields[f"again_{loan}"] = f"sheet_again_{loan}{suffix}"
                defaults[f"again_{loan}"] = False
        self.fields = fields
        self.draft = FormDraft(
            draft_key(sheet, choice),
            username,
            fields,
            defaults,
            coded=[f"reason_{loan}" for loan in self.loans],
            choices={f"reason_{loan}": REASONS for loan in self.loans},
        )

    def row(self, row: SheetRow) -> None:
        """The amount and reason of one row, what is recorded already, its problems."""
        loan = row.loan_code
        keep = self.draft.autosave
        st.text_input(
            t("collection_sheet.record.amount"),
            key=self.fields[f"amount_{loan}"],
            **keep,
        )
        coded_selectbox(
            t("collection_sheet.record.reason"),
            REASONS,
            lambda code: t(f"collection_sheet.reason.{code or 'none'}"),
            key=self.fields[f"reason_{loan}"],
            on_change=self.draft.changed,
        )
        failed = remembered_errors(FORM)
        for error in failed.for_field(loan) if failed else []:
            st.markdown(f":red[{t(f'collection_sheet.error.{error.code}', **error.values)}]")
        before = self.recorded.get(loan)
        if before is not None:
            outcomes = " · ".join(_outcome_name(o) for o in before.outcomes) or t(
                "collection_sheet.record.already_none"
            )
            st.caption(
                t(
                    "collection_sheet.record.already",
                    amount=money(before.received),
                    outcomes=outcomes,
                )
            )
            st.checkbox(
                t("collection_sheet.record.again"), key=self.fields[f"again_{loan}"], **keep
            )

    def entries(self) -> tuple[list[MeetingEntry], set[str]]:
        """What is typed, row by row, and the rows confirmed as another payment."""
        state = st.session_state
        entries = [
            MeetingEntry(
                loan,
                amount=str(state.get(self.fields[f"amount_{loan}"]) or ""),
                outcome=str(state.get(self.fields[f"reason_{loan}"]) or ""),
            )
            for loan in self.loans
        ]
        again = {
            loan
            for loan in self.loans
            if f"again_{loan}" in self.fields and state.get(self.fields[f"again_{loan}"])
        }
        return entries, again


def _outcome_name(code: str) -> str:
    return t(f"visits.outcome.{code}") if code else "—"


def render_meeting_errors() -> None:
    """Problems of the whole save (not of one row), where the recording begins."""
    failed = remembered_errors(FORM)
    if failed is None:
        return
    st.error(t("collection_sheet.record.refused"))
    for error in failed.errors:
        if error.field == "meeting":
            st.markdown(f":red[{t(f'collection_sheet.error.{error.code}', **error.values)}]")
        elif error.field == "officer":
            st.markdown(f":red[{t(f'collection_sheet.error.officer.{error.code}')}]")


def save_meeting(form: MeetingForm, scope: Scope, username: str, today: dt.date) -> None:
    """Writes the meeting (core.field.meeting.record_meeting) in one transaction; a refusal
    is remembered for the fields and nothing is written; success clears the form."""
    entries, again = form.entries()
    if not any((e.amount or "").strip() or (e.outcome or "").strip() for e in entries):
        remember_errors(FORM, None)
        st.session_state[_FLASH] = ("info", t("collection_sheet.record.nothing_entered"))
        return
    try:
        with data_write(get_engine()) as conn:
            result = record_meeting(
                conn,
                scope,
                form.sheet.officer_code,
                form.sheet.day,
                entries,
                username,
                dt.datetime.now(dt.UTC),
                again=again,
                today=today,
                reconcile_days=get_rules().params.reconcile_days,
            )
    except ValidationFailed as failed:
        remember_errors(FORM, failed)
        return
    remember_errors(FORM, None)
    form.draft.done()
    st.session_state[_GENERATION] = st.session_state.get(_GENERATION, 0) + 1
    text = t(
        "collection_sheet.record.saved",
        members=len(result.visits),
        receipts=len(result.receipts),
        amount=money(result.total),
    )
    st.session_state[_FLASH] = ("success", text)


def show_saved() -> None:
    """The outcome of the last save, once."""
    found = st.session_state.pop(_FLASH, None)
    if found:
        kind, text = found
        (st.success if kind == "success" else st.info)(text)


def render_groups(sheet: Sheet, form: MeetingForm | None) -> None:
    """Each group: its heading, a block per loan (with its recording fields), its total."""
    st.html(_STYLE)
    for group in sheet.groups:
        _group(group, form)


def _group(group: SheetGroup, form: MeetingForm | None) -> None:
    st.subheader(
        t(
            "collection_sheet.group_heading",
            group=group.group_code or t("collection_sheet.no_group"),
            village=group.village,
        )
    )
    for row in group.rows:
        with st.container(border=True, key=f"sheet_row_{row.loan_code}"):
            _row_block(row)
            if form is not None:
                form.row(row)
    st.markdown(f"**{t('collection_sheet.group_total', amount=money(group.total_expected))}**")
