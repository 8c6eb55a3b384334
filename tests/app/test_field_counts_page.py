"""My quarter's "This week" and the Visits page's return-visit board count the same
borrowers to visit (issue 14: they said 28, 31 and 33), and each count says in words what
it counts, in both languages. On tests/field_portfolio.py as of its DAY (2025-06-20); the
hand-computed table is in tests/db/test_field_counts.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import app_database, import_tables, open_page
from tests.field_portfolio import DAY, field_portfolio


@pytest.fixture
def field_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("app.clock.today", lambda: DAY)
    return app_database(tmp_path, monkeypatch, import_tables(field_portfolio()))


def week_counts(language: str) -> list[str]:
    at = open_page("pages/my_quarter.py", language)
    prefix = "Borrowers: " if language == "en" else "共"
    return [c.value for c in at.caption if c.value.startswith(prefix)]


def test_this_week_counts_the_boards_borrowers_to_visit(field_db: str, log_in_as) -> None:
    log_in_as("officer")
    board = {m.label: int(m.value) for m in open_page("pages/visits.py").metric}
    assert board == {"Never visited": 2, "Overdue": 1, "Due soon": 1, "On track": 1}
    to_visit = board["Never visited"] + board["Overdue"] + board["Due soon"]
    # Follow-ups: B1; falling due this week: B6 (06-20, unpaid on 06-19); return visits:
    # B1, B2, B4, B7, the board's never visited, overdue and due soon.
    assert week_counts("en") == ["Borrowers: 1", "Borrowers: 1", f"Borrowers: {to_visit}"]
    assert to_visit == 4


def test_each_visit_count_says_what_it_counts_in_both_languages(field_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page("pages/my_quarter.py", "zh")
    headings = [m.value for m in at.markdown]
    assert (
        "**要回访：90天内您没走访过（或从未走访）、或14天内到回访期的借款人，"
        "即回访看板上的从未走访、已逾期和即将到期**"
    ) in headings
    assert "**今天要跟进：有贷款逾期7天及以上、逾期那期之后还没走访的借款人**" in headings
    assert week_counts("zh") == ["共1户借款人", "共1户借款人", "共4户借款人"]
    labels = [e.label for e in at.expander]
    # The quarter's figure counts active borrowers only (B2, B7), and says so.
    assert "截至2025年6月20日，前90天内您未走访过的在贷借款人（2）" in labels
    board = open_page("pages/visits.py", "zh")
    caption = " ".join(c.value for c in board.caption)
    assert (
        "从未走访、已逾期和即将到期三项合起来，就是您的计划和“我的季度”里“本周待办”中的要回访户数"
        in caption
    )
