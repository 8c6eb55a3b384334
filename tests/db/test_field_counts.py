"""The visit counts of the officer's screens agree (issue 14): the plan's return visits,
"This week" on My quarter (built from the plan) and the return-visit board count the same
borrowers; My quarter's visit figures count what their labels say, and differ from the
plan only by that. Hand-computed on tests/field_portfolio.py, on SQLite and PostgreSQL.

OF1 on DAY = 2025-06-20, visit window 90 days (a visit on or before 03-22 is outside) and
return_soon_days 14 (a visit on or before 04-05 leaves the window within 14 days):

| borrower | loan | last visit by OF1 | board | plan |
|---|---|---|---|---|
| B1 | L1 active, 50 days late since 05-01 | 04-03 (< 05-01) | due soon | follow_up, return_soon |
| B2 | L2 active | 03-20 | overdue | return_overdue |
| B4 | L4 repaid 2024-12-22 (180 days) | never | never | return_overdue |
| B5 | L5 repaid 181 days before | never | not tracked | not listed |
| B6 | L6 active, 31 days late since 05-20 | 06-01 (after 05-20) | on track | due |
| B7 | L7 active | never | never | return_overdue |

So 4 borrowers to visit again (B1, B2, B4, B7) on the board and in the plan. My quarter's
visit_coverage lists the *active* borrowers not visited in the 90 days (B2, B7: B4's loan
is closed, B1's visit is still inside); followups_overdue lists loans (L1), the plan's
follow_up their borrowers (B1).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.auth.scope import Scope
from core.field.plan import build_plan
from core.metrics.officers import compute_officer_scorecards
from core.metrics.params import MetricParams
from core.metrics.period import quarter_of
from core.portfolio.names import CodeOwner, load_code_owners
from core.visits.reads import load_return_visit_board
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import
from tests.field_portfolio import DAY, write_field_portfolio

OF1 = Scope("officer", staff_code="OF1")
PARAMS = MetricParams()


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    assert do_import(engine, write_field_portfolio(tmp_path / "in")).ok
    return engine


def test_the_plan_the_board_and_my_quarter_count_the_same_borrowers_to_visit(
    loaded: Engine,
) -> None:
    assert (PARAMS.visit_window_days, PARAMS.return_soon_days) == (90, 14)
    with loaded.connect() as conn:
        plan = build_plan(conn, OF1, "OF1", DAY, PARAMS)
        board = load_return_visit_board(
            conn, OF1, DAY, PARAMS.visit_window_days, PARAMS.return_soon_days
        )
        [card] = compute_officer_scorecards(conn, OF1, quarter_of(DAY), PARAMS)
    status = {row.borrower_code: row.status for row in board}
    assert status == {"B1": "due_soon", "B2": "overdue", "B4": "never", "B6": "on_track"} | {
        "B7": "never"
    }
    reasons = {item.borrower_code: set(item.reasons) for item in plan.items}
    overdue = {code for code, found in reasons.items() if "return_overdue" in found}
    soon = {code for code, found in reasons.items() if "return_soon" in found}
    # The board's never + overdue are the plan's return_overdue, its due soon return_soon.
    assert (
        overdue
        == {c for c, s in status.items() if s in ("never", "overdue")}
        == {
            "B2",
            "B4",
            "B7",
        }
    )
    assert soon == {c for c, s in status.items() if s == "due_soon"} == {"B1"}
    counts = Counter(status.values())
    assert counts["never"] + counts["overdue"] + counts["due_soon"] == len(overdue | soon) == 4
    # My quarter's visit_coverage: only active borrowers, none due soon (its label says so).
    active = {row.borrower_code for row in board if row.active}
    assert set(card.cases["visit_coverage"]) == overdue & active == {"B2", "B7"}
    # followups_overdue counts loans; the plan's follow_up their borrowers.
    assert card.cases["followups_overdue"] == ["L1"]
    assert {c for c, found in reasons.items() if "follow_up" in found} == {"B1"}


def test_code_owners_name_the_borrower_only_within_the_scope(
    engine: Engine, tmp_path: Path
) -> None:
    assert do_import(engine, write_folder(tmp_path / "in", base_portfolio())).ok
    team = Scope("team", branch="城关支行", team="城关一组")
    with engine.connect() as conn:
        mine = load_code_owners(conn, OF1, ["L1", "L404"], ["B2", "B3"])
        loans_only = load_code_owners(conn, OF1, ["L2"])
        theirs = load_code_owners(conn, team, (), ["B3"])
        trainer = load_code_owners(conn, Scope("trainer", staff_code="TR1"), ["L1"], ["B1"])
    # B3 is OF2's borrower: not OF1's to open, so no name and no link; L404 is unknown.
    assert mine == {
        "L1": CodeOwner("B1", "赵一", "L1"),
        "B2": CodeOwner("B2", "钱二", None),
    }
    assert loans_only == {"L2": CodeOwner("B2", "钱二", "L2")}
    assert theirs == {"B3": CodeOwner("B3", "孙三", None)}
    assert trainer == {}
