"""The home page of a team leader and an admin on a cooperative of many officers: the
goals not met ranked, 20 rows at a time with "Show more", a table of branches, in both
languages, and a page that does not grow with the number of officers."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_database, import_tables, start_app
from tests.builders import base_portfolio


def many_officers(count: int) -> dict[str, list[dict[str, str]]]:
    """The base portfolio plus `count` officers of TL1's team 城关一组, each with one
    borrower whose 1,000.00 loan of 2025-04-01 was due 2025-05-01 and never paid: by
    2025-06-30 each recovers 0% and has PAR30 100%, both breached."""
    tables = base_portfolio()
    for n in range(1, count + 1):
        officer, borrower, loan = f"OX{n:02d}", f"BX{n:02d}", f"LX{n:02d}"
        tables["staff"].append(
            {"staff_code": officer, "name": f"信贷员{n:02d}", "role": "officer"}
            | {"branch": "城关支行", "team": "城关一组", "hired_on": ""}
        )
        tables["borrowers"].append(
            {"borrower_code": borrower, "name": f"借款人{n:02d}", "officer_code": officer}
            | {"village": "李家庄", "group_code": "", "joined_on": "2025-03-01"}
            | {"business_type": "", "phone": "", "id_number": ""}
        )
        tables["loans"].append(
            {"loan_code": loan, "borrower_code": borrower, "officer_code": officer}
            | {"disbursed_on": "2025-04-01", "principal": "1000.00", "annual_rate": ""}
            | {"term_months": "1", "cycle": "1", "appraisal_grade": "", "product": ""}
            | {"purpose": "", "written_off_on": ""}
        )
        tables["installments"].append(
            {"loan_code": loan, "seq": "1", "due_date": "2025-05-01"}
            | {"principal_due": "1000.00", "interest_due": ""}
        )
    return tables


@pytest.fixture
def june_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 6, 30))


def with_officers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    folder = tmp_path / f"n{count}"
    folder.mkdir()
    app_database(folder, monkeypatch, import_tables(many_officers(count)))


def home(language: str = "en") -> AppTest:
    at = start_app(language).switch_page("pages/home.py").run()
    assert not at.exception, at.exception
    return at


def breach_rows(at: AppTest) -> list[str]:
    """The ranked rows: each starts with its coloured status word."""
    return [m.value for m in at.markdown if re.match(r":(red|orange)\[", m.value)]


def count_elements(node: object) -> int:
    children = getattr(node, "children", {})
    return sum(1 + count_elements(child) for child in children.values())


def test_the_admin_sees_20_ranked_breaches_and_more_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_in_as, june_end: None
) -> None:
    with_officers(tmp_path, monkeypatch, 30)
    log_in_as("admin")
    at = home()
    rows = breach_rows(at)
    assert len(rows) == 20
    assert not at.error and not at.warning  # no alert box per officer any more
    # Recovery 0% is the farthest from its goal of every high-severity breach
    # ((100 - 0) / 5 = 20), OF1's 22.2% next ((100 - 22.2) / 5 = 15.6): the 30 officers'
    # recovery first, by code, then OF1's.
    assert rows[0] == ":red[Goal missed] **信贷员01** (OX01) · Recovery rate: 0.0%, goal 100.0%"
    assert all("Recovery rate: 0.0%" in row for row in rows[:20])
    # 196 breached and 37 warnings (the branch row below counts them).
    total = 233
    assert any(c.value.startswith("Showing 20 of 233: breached before") for c in at.caption)
    more = at.button(key="home_breaches_more")
    assert more.label == f"Show 20 more ({total - 20} not shown)"
    more.click().run()
    rows = breach_rows(at)
    assert len(rows) == 40
    assert "**信贷员30** (OX30) · Recovery rate: 0.0%" in rows[29]
    assert rows[30] == ":red[Goal missed] **张伟** (OF1) · Recovery rate: 22.2%, goal 100.0%"


def test_the_admin_sees_a_row_per_branch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_in_as, june_end: None
) -> None:
    with_officers(tmp_path, monkeypatch, 30)
    log_in_as("admin")
    at = home()
    table = next(d.value for d in at.dataframe if "In breach" in d.value)
    assert list(table.columns) == [
        "Branch",
        "Officers",
        "In breach",
        "Breaches",
        "Warnings",
        "Breaches by goal",
    ]
    [row] = table.values.tolist()
    # Each of the 30 breaches six goals (caseload 1, recovery 0%, on-time 0%, PAR30 100%,
    # no visit, no training) and warns on one (one overdue follow-up, fail at 2): 180 and
    # 30; OF1 and OF2 add 16 and 7 (the team overview's count).
    assert row[:5] == ["城关支行", 32, 32, 196, 37]  # OF2: appraisal time 100% of hours
    assert row[5].startswith(
        "Caseload (active borrowers) 32 · Recovery rate 31 · On-time repayment rate 31 · "
        "Portfolio at risk over 30 days (PAR30) 31 · Return-visit coverage 31 · "
        "Training before the first loan 30 · Time on loan appraisal 2"
    )


def test_the_page_does_not_grow_with_the_officers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_in_as, june_end: None
) -> None:
    log_in_as("admin")
    with_officers(tmp_path, monkeypatch, 25)
    few = count_elements(home().main)
    with_officers(tmp_path, monkeypatch, 50)
    many = home()
    assert len(breach_rows(many)) == 20
    assert count_elements(many.main) == few


def test_the_team_leader_sees_a_page_of_their_teams_breaches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_in_as, june_end: None
) -> None:
    with_officers(tmp_path, monkeypatch, 30)
    log_in_as("team_leader")
    at = home()
    assert len(breach_rows(at)) == 20
    assert not at.error and not at.warning
    assert not any("In breach" in d.value for d in at.dataframe)
    assert at.button(key="home_breaches_more")


def test_the_chinese_home_has_no_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_in_as, june_end: None
) -> None:
    with_officers(tmp_path, monkeypatch, 30)
    log_in_as("admin")
    at = home("zh")
    rows = breach_rows(at)
    assert len(rows) == 20
    assert rows[0] == ":red[未达标] **信贷员01**（OX01）· 回收率：0.0%，目标100.0%"
    assert "未达到的目标（最紧急的在前）" in [h.value for h in at.subheader]
    assert at.button(key="home_breaches_more").label.startswith("再显示20项")
    table = next(d.value for d in at.dataframe if "未达标人数" in d.value)
    cells = " ".join(map(str, [*table.columns, *table.values.ravel()]))
    shown = [
        *(m.value for m in at.markdown),
        *(c.value for c in at.caption),
        *(h.value for h in at.subheader),
        at.button(key="home_breaches_more").label,
        cells,
    ]
    # Codes and link targets are data, not words: what is left has no English word.
    words = re.sub(
        r"\]\([^)]*\)|\b(OX|OF|BX|LX|B|L)\d+\b|PAR30|\b(red|orange)\b", "", "\n".join(shown)
    )
    assert not re.findall(r"[A-Za-z]{2,}", words)
