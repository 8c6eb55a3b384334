"""A submitted and signed-off review reads in the cooperative's time and names the team
leader by name: on the officer's page, the leader's page, the team overview, and in the
printed PDF and Markdown (whose text pypdf extracts)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

import app.reviews.printout
from core.auth.users import add_user
from core.db.engine import write_transaction
from core.reviews.document import ReviewDocument
from core.reviews.export import review_markdown, review_pdf
from core.reviews.workflow import save_comment, sign_off
from tests.app.conftest import start_app
from tests.app.test_team_pages import NOW, Q2, SECTIONS, TEAM, TEMPLATE, engine_of, submit_of1

# NOW is 09:00 UTC on 5 July 2025: 17:00 in Shanghai. Signed off the next day at 16:30
# UTC, which is already 00:30 on 7 July in Shanghai.
SIGNED = dt.datetime(2025, 7, 6, 16, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def early_july(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 7, 7))


@pytest.fixture
def signed_off(loaded_db: str) -> Engine:
    """OF1's 2025Q2 review, submitted by OF1 and signed off by "team_leader" (王刚)."""
    submit_of1(loaded_db)
    engine = engine_of(loaded_db)
    with write_transaction(engine) as conn:
        add_user(
            conn, "team_leader", "王刚", "team_leader", "TL1", "a long password 1", actor="cli"
        )
    for key in SECTIONS:
        save_comment(engine, "team_leader", TEAM, "OF1", Q2, key, "好", "3", 0, TEMPLATE, NOW)
    sign_off(engine, "team_leader", TEAM, "OF1", Q2, 2, TEMPLATE, SIGNED)
    return engine


def printed(monkeypatch: pytest.MonkeyPatch) -> list[ReviewDocument]:
    """The documents the review's download buttons are built from, as the page builds them."""
    documents: list[ReviewDocument] = []
    build = app.reviews.printout.build_document

    def spy(*args, **kwargs):
        documents.append(build(*args, **kwargs))
        return documents[-1]

    monkeypatch.setattr(app.reviews.printout, "build_document", spy)
    return documents


def pdf_text(document: ReviewDocument) -> str:
    pages = PdfReader(io.BytesIO(review_pdf(document))).pages
    return "".join("".join(page.extract_text().split()) for page in pages)


def test_the_leader_reads_local_times_and_the_signers_name(
    signed_off: Engine, log_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = printed(monkeypatch)
    log_in_as("team_leader")
    at = start_app("en")
    at.query_params.update({"officer": "OF1", "period": Q2})
    at = at.switch_page("pages/team_reviews.py").run()
    assert not at.exception
    assert "Submitted 5 Jul 2025, 17:00" in [c.value for c in at.caption]
    assert at.success[0].value == ("Signed off by 王刚 on 7 Jul 2025, 00:30. The review is locked.")
    queue = at.dataframe[0].value
    row = queue[queue["Officer"].str.endswith("(OF1)")].iloc[0].tolist()
    assert row[2:] == ["5 Jul 2025, 17:00", "7 Jul 2025, 00:30"]
    markdown = review_markdown(documents[-1])
    assert "5 Jul 2025, 17:00" in markdown
    assert "7 Jul 2025, 00:30 · 王刚" in markdown
    assert "UTC" not in markdown and "team_leader" not in markdown


def test_the_officer_and_the_chinese_print_read_the_same(
    signed_off: Engine, log_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = printed(monkeypatch)
    log_in_as("officer")
    at = start_app("zh").switch_page("pages/my_review.py").run()
    assert not at.exception
    status = at.markdown[0].value
    assert status.endswith(" · 提交于2025年7月5日 17:00 · 签批于2025年7月7日 00:30")
    text = pdf_text(documents[-1])
    assert "2025年7月5日17:00" in text  # pypdf's text without spaces
    assert "2025年7月7日00:30·王刚" in text
    assert "UTC" not in text and "team_leader" not in text


def test_the_team_overview_shows_when_in_local_time(signed_off: Engine, log_in_as) -> None:
    log_in_as("team_leader")
    at = start_app("en").switch_page("pages/team.py").run()
    at.selectbox(key="period_quarter__en").set_value(Q2).run()
    assert not at.exception
    assert "Signed off 7 Jul 2025, 00:30" in [c.value for c in at.caption]
