"""Portfolio: every loan of the viewer's scope at a date, filtered, with days past due,
downloads, and the aging of the active loans. A row opens the borrower's file."""

from decimal import Decimal

import streamlit as st

from app import clock
from app.charts import show_chart
from app.downloads import file_download
from app.i18n import date, money, number, t
from app.portfolio.loans import (
    aging_chart,
    cached_aging,
    cached_filter_options,
    cached_loan_table,
    column_config,
    columns_for,
    export_makers,
    file_stem,
    filter_widgets,
    loans_frame,
)
from app.resources import data_version
from app.viewer import viewer
from app.widgets import coded_selectbox

# Beyond this many borrowers the "open a file" list gets slow; a row click still opens one.
PICKER_LIMIT = 2000

me = viewer()
today = clock.today()
version = data_version()
st.title(t("portfolio.title"))
as_of = st.date_input(t("portfolio.as_of"), value=today, max_value=today, key="portfolio_as_of")
st.caption(t("portfolio.caption", date=date(as_of)))

show_officer = me.scope.kind != "officer"
filters = filter_widgets(cached_filter_options(me.scope, version), show_officer)
rows = cached_loan_table(me.scope, as_of, filters, version)
active = [r for r in rows if r.status == "active"]
st.markdown(
    t(
        "portfolio.summary",
        loans=number(len(rows)),
        active=number(len(active)),
        outstanding=money(sum((r.outstanding for r in active), Decimal("0.00"))),
        late=number(sum(1 for r in active if r.dpd >= 1)),
    )
)

if not rows:
    st.info(t("portfolio.empty"))
else:
    columns = columns_for(show_officer)
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
    # The borrower page opens at the portfolio's date when one in the past was chosen.
    dated = {} if as_of == today else {"as_of": as_of.isoformat()}
    picked = event.selection.rows if event is not None else []
    if picked:
        st.switch_page(
            "pages/borrower.py", query_params={"code": rows[picked[0]].borrower_code, **dated}
        )

    names = {r.borrower_code: r.borrower_name for r in rows}
    if len(names) <= PICKER_LIMIT:
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        with left:
            code = coded_selectbox(
                t("portfolio.open_label"),
                sorted(names),
                lambda c: f"{c} · {names[c]}",
                key="portfolio_open",
            )
        with right:
            st.page_link(
                "pages/borrower.py",
                label=t("portfolio.open"),
                icon=":material/person:",
                query_params={"code": code, **dated},
            )

    make_csv, make_xlsx = export_makers(rows, columns)
    stem = file_stem(me.scope, as_of)
    left, right, _ = st.columns([1, 1, 3])
    file_download(
        t("portfolio.download_csv"),
        make_csv,
        file_name=f"{stem}.csv",
        mime="text/csv",
        key="portfolio_csv",
        icon=":material/download:",
        where=left,
    )
    file_download(
        t("portfolio.download_xlsx"),
        make_xlsx,
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="portfolio_xlsx",
        icon=":material/download:",
        where=right,
    )

st.subheader(t("portfolio.aging"))
show_chart(aging_chart(cached_aging(me.scope, as_of, version)))
