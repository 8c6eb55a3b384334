"""My plan (pages/plan.py): the officer's items of tests/field_portfolio.py on DAY with
their reasons and amounts in English and Chinese, phones, the links, the visit form the
item opens (borrower and purpose filled in), and back to the plan with the item done."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import text

from app.field.plan_view import dialled
from core.db.engine import make_engine
from core.visits.writes import VisitForm, log_visit
from tests.app.conftest import (
    app_database,
    elements,
    import_tables,
    open_page,
    start_app,
    texts,
)
from tests.db.test_cli import run_core
from tests.field_portfolio import DAY, field_portfolio

PAGE = "pages/plan.py"


@pytest.fixture
def field_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """tests/field_portfolio.py behind the app, on its day DAY (2025-06-20)."""
    monkeypatch.setattr("app.clock.today", lambda: DAY)
    return app_database(tmp_path, monkeypatch, import_tables(field_portfolio()))


def links(at) -> list[tuple[str, str, str]]:
    """(label, page, query) of every page link of the page body, in order."""
    return [
        (link.proto.label, Path(link.proto.page).name, link.proto.query_string)
        for link in elements(at.main, "page_link")
    ]


def visit_links(at) -> list[str]:
    return [query for _, page, query in links(at) if page == "visits"]


def test_the_officer_opens_on_the_plan(field_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = start_app("en")
    assert not at.exception
    assert at.title[0].value == "My plan"


def test_the_plan_lists_each_item_with_reasons_loans_last_visit_and_phone(
    field_db: str, log_in_as
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    assert [s.value for s in at.subheader] == ["李家庄", "柳树村"]
    assert "5 to see, 0 done today." in texts(at)
    assert links(at) == [
        ("**赵一** · B1", "borrower", "code=B1"),
        ("L1 · 50 days late · arrears ¥1,000\\.00 · expected ¥1,000\\.00", "borrower", "code=B1"),
        ("Log the visit", "visits", "borrower=B1&purpose=follow_up&from=plan"),
        ("**钱二** · B2", "borrower", "code=B2"),
        (
            "L2 · 102 days late · arrears ¥3,800\\.50 · expected ¥3,800\\.50",
            "borrower",
            "code=B2",
        ),
        ("Log the visit", "visits", "borrower=B2&purpose=return_visit&from=plan"),
        ("**郑六** · B6", "borrower", "code=B6"),
        ("L6 · 31 days late · arrears ¥200\\.00 · expected ¥700\\.00", "borrower", "code=B6"),
        ("Log the visit", "visits", "borrower=B6&purpose=collection&from=plan"),
        ("**周四** · B4", "borrower", "code=B4"),
        ("Log the visit", "visits", "borrower=B4&purpose=return_visit&from=plan"),
        ("**王七** · B7", "borrower", "code=B7"),
        ("L7 · on time · nothing to collect", "borrower", "code=B7"),
        ("Log the visit", "visits", "borrower=B7&purpose=return_visit&from=plan"),
    ]
    markdown = [m.value for m in at.markdown]
    assert "G1 · **Follow-up · Return visit soon**" in markdown
    assert "G2 · **Installment due**" in markdown
    assert "G3 · **Return visit overdue**" in markdown
    # The officer's own borrowers' phones in full, as tel: links of the digits.
    assert "[:material/call: Call 13800000001](tel:13800000001)" in markdown
    assert "[:material/call: Call 13900000006](tel:13900000006)" in markdown
    captions = [c.value for c in at.caption]
    assert "Last visit 3 Apr 2025: All well" in captions
    assert "Never visited" in captions
    assert captions.count("No phone number") == 2  # B2 and B7 have none


def test_the_plan_in_chinese(field_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE, "zh")
    assert at.title[0].value == "我的计划"
    assert "还要走访 5 人，今天已走访 0 人。" in texts(at)
    labels = [label for label, _, _ in links(at)]
    assert labels[1] == "L1 · 逾期 50 天 · 拖欠 ¥1,000\\.00 · 应收 ¥1,000\\.00"
    assert labels[2] == "记录走访"
    markdown = [m.value for m in at.markdown]
    assert "G1 · **逾期跟进 · 即将回访**" in markdown
    assert "2025年4月3日" in " ".join(c.value for c in at.caption)
    # No English on a Chinese screen (codes, amounts and dates aside).
    assert "Log the visit" not in texts(at) and "days late" not in " ".join(labels)


REASON_WORDS = {
    "follow_up": "Follow-up",
    "due": "Installment due",
    "return_overdue": "Return visit overdue",
    "return_soon": "Return visit soon",
}
LOAN = re.compile(
    r"^(\S+) · (?:(\d+) days late · arrears ¥([\d,]+\\\.\d\d)|on time)"
    r" · (?:expected ¥([\d,]+\\\.\d\d)|nothing to collect)$"
)


def _yuan(shown: str) -> str:
    return shown.replace(",", "").replace("\\", "")


def test_the_pages_open_items_are_the_command_lines_items(field_db: str, log_in_as) -> None:
    # One builder: the plan page's items in order, with their reasons, loans, days late
    # and amounts, are the JSON of `python -m core plan` on the same database and day.
    log_in_as("officer")
    at = open_page(PAGE)
    done = run_core(
        "plan",
        "--officer",
        "OF1",
        "--date",
        DAY.isoformat(),
        "--format",
        "json",
        database_url=field_db,
    )
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)["items"]
    assert len(items) == 5
    page_borrowers = [q.removeprefix("code=") for lb, p, q in links(at) if lb.startswith("**")]
    assert page_borrowers == [i["borrower_code"] for i in items]
    reasons = [m.value.split("**")[1] for m in at.markdown if m.value.startswith("G")]
    assert reasons == [" · ".join(REASON_WORDS[r] for r in i["reasons"]) for i in items]
    page_loans = []
    for label, page, _ in links(at):
        found = LOAN.match(label)
        if page == "borrower" and found:
            code, dpd, arrears, expected = found.groups()
            page_loans.append(
                (code, int(dpd or 0), _yuan(arrears or "0.00"), _yuan(expected or "0.00"))
            )
    assert page_loans == [
        (ln["loan_code"], ln["dpd"], ln["arrears"], ln["expected"])
        for i in items
        for ln in i["loans"]
    ]


def test_only_a_full_number_is_dialled() -> None:
    assert dialled("138****0001") is None
    assert dialled("") is None
    assert dialled("+86 138-0000-0001") == "+8613800000001"
    assert dialled("[x](javascript:alert(1))") is None


def test_an_item_opens_the_visit_form_with_the_borrower_and_purpose(
    field_db: str, log_in_as
) -> None:
    log_in_as("officer")
    at = open_page("pages/visits.py", borrower="B6", purpose="collection", **{"from": "plan"})
    assert at.selectbox(key="visits_borrower_n0").value == "B6"
    assert at.selectbox(key="visits_purpose_n0__en").value == "collection"
    assert at.date_input(key="visits_date_n0").value == DAY
    assert ("Back to my plan", "plan", "") in links(at)
    # The parameters are used once: the address no longer carries them.
    assert dict(at.query_params) == {}


def test_a_purpose_that_is_no_choice_is_ignored(field_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page("pages/visits.py", borrower="B6", purpose="<b>x</b>")
    assert at.selectbox(key="visits_borrower_n0").value == "B6"
    assert at.selectbox(key="visits_purpose_n0__en").value == "return_visit"


def test_saving_a_visit_from_the_plan_goes_back_with_the_item_done(
    field_db: str, log_in_as
) -> None:
    log_in_as("officer")
    at = open_page("pages/visits.py", borrower="B1", purpose="follow_up", **{"from": "plan"})
    at.radio(key="visits_outcome_n0__en").set_value("promised")
    at.button(key="visits_log_save").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "My plan"
    assert "Visit to 赵一 saved: marked done on your plan." in texts(at)
    assert "4 to see, 1 done today." in texts(at)
    # B1 stays, done and last in 李家庄 (after B2), with today's visit and its outcome.
    borrowers = [label for label, page, _ in links(at) if label.startswith("**")]
    assert borrowers[:2] == ["**钱二** · B2", "**赵一** · B1"]
    assert ":green[✓ Visited today]" in [m.value for m in at.markdown]
    assert "Last visit 20 Jun 2025: Promised to pay" in [c.value for c in at.caption]
    engine = make_engine(database_url=field_db)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT v.visited_on, v.purpose, v.outcome FROM visits v "
                "JOIN borrowers b ON b.id = v.borrower_id WHERE b.borrower_code = 'B1' "
                "ORDER BY v.id DESC LIMIT 1"
            )
        ).one()
    engine.dispose()
    assert (str(row.visited_on), row.purpose, row.outcome) == (
        DAY.isoformat(),
        "follow_up",
        "promised",
    )


def test_a_long_plan_draws_a_page_of_items_still_to_see_and_every_item_done(
    field_db: str, log_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.field.plan_view.PAGE_ITEMS", 1)
    log_in_as("officer")
    engine = make_engine(database_url=field_db)
    form = VisitForm("B2", DAY, "return_visit", "promised")
    log_visit(engine, "officer", "OF1", form, DAY)
    engine.dispose()
    at = open_page(PAGE)
    assert "4 to see, 1 done today." in texts(at)
    # One still to see (B1, first in the builder's order), and B2, done, although the page
    # is full: the officer finds the visit just saved.
    borrowers = [label for label, page, _ in links(at) if label.startswith("**")]
    assert borrowers == ["**赵一** · B1", "**钱二** · B2"]
    more = at.button(key="plan_more")
    assert more.label == "Show 1 more (3 not shown yet)"
    more.click().run()
    assert at.button(key="plan_more").label == "Show 1 more (2 not shown yet)"
    at.button(key="plan_more").click().run()
    at.button(key="plan_more").click().run()
    borrowers = [label for label, page, _ in links(at) if label.startswith("**")]
    assert borrowers == [
        "**赵一** · B1",
        "**钱二** · B2",
        "**郑六** · B6",
        "**周四** · B4",
        "**王七** · B7",
    ]
    assert not [b for b in elements(at.main, "button") if b.key == "plan_more"]


def test_a_visit_not_from_the_plan_stays_on_the_visits_page(field_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page("pages/visits.py", borrower="B1")
    at.button(key="visits_log_save").click().run()
    assert at.title[0].value == "Visits"
    assert "Visit to 赵一 on 20 Jun 2025 saved." in texts(at)


def test_the_week_lists_what_each_coming_day_adds(
    field_db: str, log_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On 2025-05-02 L1's installment 3 (due 05-01) is a day late; on 05-08, 7 days late
    # with no visit since, it makes B1 a follow-up: the week shows B1 under 8 May only.
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 5, 2))
    log_in_as("officer")
    at = open_page(PAGE)
    # Today B1 is no follow-up yet, but the early warning (the documented points: the
    # history is too short to fit) calls L1 slipping: 1 day late, installment 2 paid 4
    # days late, half the last months' principal unpaid, B2 of its group and both of OF1's
    # loans late.
    b1 = [text for text in texts(at).split("\n") if "Slipping" in text]
    assert b1 == ["G1 · **Slipping**"]
    at.segmented_control(key="plan_view__en").set_value("week").run()
    assert not at.exception
    assert [h.value for h in at.subheader] == [
        "3 May 2025",
        "4 May 2025",
        "5 May 2025",
        "6 May 2025",
        "7 May 2025",
        "8 May 2025",
    ]
    assert [c.value for c in at.caption].count("Nobody new on this day.") == 5
    assert links(at) == [
        ("**赵一** · B1", "borrower", "code=B1"),
        ("L1 · 7 days late · arrears ¥1,000\\.00 · expected ¥1,000\\.00", "borrower", "code=B1"),
        ("Log the visit", "visits", "borrower=B1&purpose=follow_up&from=plan"),
    ]
    assert "**李家庄**" in [m.value for m in at.markdown]
    # Back to today: the choice is kept across a language switch too.
    at.segmented_control(key="plan_view__en").set_value("today").run()
    assert [label for label, _, _ in links(at) if label.startswith("**")] == [
        "**赵一** · B1",
        "**周四** · B4",
        "**吴五** · B5",
        "**郑六** · B6",
    ]


def test_a_team_leader_has_no_plan(field_db: str, log_in_as) -> None:
    log_in_as("team_leader")
    at = start_app("en")
    assert at.title[0].value == "What needs attention"  # the plan is not in their menu
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)
