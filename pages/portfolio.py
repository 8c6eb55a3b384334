"""Portfolio: the loans of the viewer's scope at a date, filtered and sorted in the database,
one page of rows at a time, with days past due, downloads of every filtered loan (streamed),
a box that opens a borrower by code, and the aging of the active loans. A row opens the
borrower's file. Nothing drawn here grows with the size of the cooperative."""

import streamlit as st

from app import clock
from app.charts import show_chart
from app.downloads import file_download
from app.i18n import date, money, number, t
from app.paging import PAGE_SIZE, current_page, pager
from app.portfolio.aging import aging_chart, cached_aging
from app.portfolio.loans import (
    cached_filter_options,
    cached_loan_page,
    cached_loan_summary,
    column_config,
    columns_for,
    export_makers,
    file_stem,
    filter_widgets,
    loans_frame,
)
from app.portfolio.table import open_by_code, sort_widgets
from app.resources import data_version
from app.viewer import viewer

me = viewer()
today = clock.today()
version = data_version()
st.title(t("portfolio.title"))
as_of = st.date_input(t("portfolio.as_of"), value=today, max_value=today, key="portfolio_as_of")
st.caption(t("portfolio.caption", date=date(as_of)))
# The borrower page opens at the portfolio's date when one in the past was chosen.
dated = {} if as_of == today else {"as_of": as_of.isoformat()}

show_officer = me.scope.kind != "officer"
filters = filter_widgets(cached_filter_options(me.scope, version), show_officer)
summary = cached_loan_summary(me.scope, as_of, filters, version)
st.markdown(
    t(
        "portfolio.summary",
        loans=number(summary.loans),
        active=number(summary.active),
        outstanding=money(summary.outstanding),
        late=number(summary.late),
    )
)

columns = columns_for(show_officer)
sort = sort_widgets()
if not summary.loans:
    st.info(t("portfolio.empty"))
else:
    page = current_page("portfolio", summary.loans, (as_of, filters, sort))
    rows = cached_loan_page(me.scope, as_of, filters, sort, page, PAGE_SIZE, version)
    st.caption(t("portfolio.select_hint"))
    event = st.dataframe(
        loans_frame(rows, columns, None if as_of == today else as_of),
        hide_index=True,
        width="stretch",
        column_config=column_config(columns),
        key="portfolio_table",
        on_select="rerun",
        selection_mode="single-row",
    )
    picked = event.selection.rows if event is not None else []
    if picked and picked[0] < len(rows):
        st.switch_page(
            "pages/borrower.py", query_params={"code": rows[picked[0]].borrower_code, **dated}
        )
    pager("portfolio", page, summary.loans)

open_by_code(me.scope, dated, as_of)

if summary.loans:
    make_csv, make_xlsx = export_makers(me.scope, as_of, filters, sort, columns)
    stem = file_stem(me.scope, as_of)
    st.caption(t("portfolio.download_hint", loans=number(summary.loans)))
    with st.container(horizontal=True, key="portfolio_downloads"):
        file_download(
            t("portfolio.download_csv"),
            make_csv,
            file_name=f"{stem}.csv",
            mime="text/csv",
            key="portfolio_csv",
            icon=":material/download:",
        )
        file_download(
            t("portfolio.download_xlsx"),
            make_xlsx,
            file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="portfolio_xlsx",
            icon=":material/download:",
        )

st.subheader(t("portfolio.aging"))
show_chart(aging_chart(cached_aging(me.scope, as_of, version)))
