"""The demo writes last quarter's reviews of the demo leader's team through the workflow."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from core.auth.demo_accounts import ensure_demo_accounts
from core.auth.scope import Scope
from core.db.engine import write_transaction
from core.demo.reviews import demo_reviews
from core.reviews.actions import load_actions
from core.reviews.coaching import load_sessions
from core.reviews.records import list_review_statuses, load_review
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import


def test_last_quarters_reviews_are_written_and_the_officers_signed_off(
    engine: Engine, tmp_path: Path
) -> None:
    assert do_import(engine, write_folder(tmp_path / "base", base_portfolio())).ok
    with write_transaction(engine) as conn:
        ensure_demo_accounts(conn, dt.datetime(2025, 7, 20, tzinfo=dt.UTC))
    # On 2025-07-20 the review to write is 2025Q3's (Q2's was due 07-15): Q2 is "last".
    assert demo_reviews(engine, dt.date(2025, 7, 20)).startswith(
        "Demo reviews of last quarter written: 2"
    )
    team = Scope("team", branch="城关支行", team="城关一组")
    with engine.connect() as conn:
        statuses = {s.officer_code: s.status for s in list_review_statuses(conn, team, "2025Q2")}
        signed = load_review(conn, team, "OF1", "2025Q2")
    assert statuses == {"OF1": "signed_off", "OF2": "submitted"}
    assert signed is not None and signed.signed_off_by == "leader"
    assert signed.snapshot is not None and signed.snapshot.period == "2025Q2"
    with engine.connect() as conn:
        sessions = load_sessions(conn, team, "OF1", include_private=True)
        actions = load_actions(conn, team, "OF1", today=dt.date(2025, 8, 1))
    assert [s.private_notes for s in sessions] == ["进步明显，可以考虑让他带新同事。"]
    # Signed off 8 days after the quarter (07-08): items due 07-22 and 08-07.
    assert [(a.owner, a.due_on, a.overdue) for a in actions] == [
        ("officer", dt.date(2025, 7, 22), True),
        ("leader", dt.date(2025, 8, 7), False),
    ]
    # Running the demo again leaves them as they are.
    assert demo_reviews(engine, dt.date(2025, 7, 20)).startswith(
        "Demo reviews of last quarter written: 0"
    )
