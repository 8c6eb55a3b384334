"""The field receipts screen, the My quarter tile and the team overview's chart of
field_receipts_unreconciled, on tests/receipts_portfolio.py seen on 2025-06-24
(reconcile_days 3: receipts received before 06-21 count)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.db.engine import write_transaction
from core.field.reconcile import reconcile
from tests.app.conftest import app_database, elements, open_page, start_app, texts
from tests.app.test_team_pages import chart_layers
from tests.builders import write_folder
from tests.db.helpers import do_import
from tests.receipts_portfolio import add_receipts, receipts_portfolio

PAGE = "pages/receipts.py"
TODAY = dt.date(2025, 6, 24)


def _load(engine: Engine, folder: Path) -> None:
    assert do_import(engine, write_folder(folder, receipts_portfolio())).ok
    add_receipts(engine)
    with write_transaction(engine) as conn:
        reconcile(conn, 3, dt.datetime(2025, 6, 24, tzinfo=dt.UTC))


@pytest.fixture
def receipts_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("app.clock.today", lambda: TODAY)
    return app_database(tmp_path, monkeypatch, _load)


def _cards(at) -> list[str]:
    return [m.value for m in at.markdown if " · " in m.value and "[**" in m.value]


def test_an_officer_sees_the_receipts_not_reconciled_with_their_age(
    receipts_db: str, log_in_as
) -> None:
    log_in_as("officer")
    at = open_page(PAGE)
    assert at.title[0].value == "Field receipts"
    assert (
        "**2** receipts not reconciled, ¥230.00 in all.  \n2 of them are older than 3 days:"
        in texts(at)
    )
    assert _cards(at) == [
        ":red[**Amount differs**] · 14 days ago",
        ":red[**Not posted**] · 4 days ago",
    ]
    captions = [c.value for c in at.caption]
    assert (
        "Received ¥150.00 on 10 Jun 2025  \nPosted ¥150.01 on 13 Jun 2025  \n"
        "Difference +¥0.01" in captions
    )
    assert (
        "Received ¥80.00 on 20 Jun 2025  \nNot posted by the bank yet (it has 3 days)." in captions
    )
    links = [link.proto for link in elements(at, "page_link")]
    # Two open receipts, then the two matched ones (newest first), each a link.
    assert [(link.label, link.query_string) for link in links] == [
        ("赵一 · B1 · L1", "code=B1"),
        ("赵一 · B1 · L1", "code=B1"),
        ("赵一 · B1 · L1", "code=B1"),
        ("赵一 · B1 · L1", "code=B1"),
    ]
    assert [e.label for e in at.expander] == ["Matched, received in the last 30 days (2)"]
    assert "¥200.00 received 2 Jun 2025, posted 3 Jun 2025" in captions
    # No other officer's receipt (OF2's 100.00 on L3).
    assert "¥100.00" not in texts(at)


def test_the_screen_speaks_chinese(receipts_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page(PAGE, "zh")
    assert at.title[0].value == "现场收款核对"
    assert _cards(at) == [":red[**金额不符**] · 14天前", ":red[**未入账**] · 4天前"]
    captions = [c.value for c in at.caption]
    assert "2025年6月10日收款¥150.00  \n2025年6月13日入账¥150.01  \n差额+¥0.01" in captions
    assert "2025年6月20日收款¥80.00  \n银行尚未入账（入账期限3天）。" in captions
    assert [e.label for e in at.expander] == ["已核对（近30天收款，2笔）"]
    assert "未核对**2**笔，共¥230.00。" in texts(at)


def test_a_team_leader_sees_the_teams_receipts_with_each_officer(
    receipts_db: str, log_in_as
) -> None:
    log_in_as("team_leader")
    at = open_page(PAGE)
    assert "**3** receipts not reconciled, ¥330.00 in all." in texts(at)
    officers = [c.value.split("  \n")[-1] for c in at.caption if "Officer:" in c.value]
    assert officers == ["Officer: 张伟 (OF1)", "Officer: 刘洋 (OF2)", "Officer: 张伟 (OF1)"]
    labels = [link.proto.label for link in elements(at, "page_link")]
    assert labels[:3] == ["赵一 · B1 · L1", "孙三 · B3 · L3", "赵一 · B1 · L1"]


def test_trainers_and_admins_cannot_open_it(receipts_db: str, log_in_as) -> None:
    for role in ("trainer", "admin"):
        log_in_as(role)
        with pytest.raises(ValueError):
            start_app("en").switch_page(PAGE)


def test_my_quarter_shows_the_count_with_its_amount(receipts_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = open_page("pages/my_quarter.py")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Field receipts not reconciled"] == "2"
    captions = [c.value for c in at.caption]
    assert "Amount of field receipts not reconciled: ¥230.00" in captions
    assert "Goal missed" in texts(at)  # goal 0, any receipt is a breach
    at = open_page("pages/my_quarter.py", "zh")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["未核对的现场收款"] == "2"
    assert "未核对的现场收款金额：¥230.00" in [c.value for c in at.caption]


def test_the_tile_equals_the_command_line(receipts_db: str, log_in_as, capsys) -> None:
    from core.cli.main import main

    args = ["metrics", "--period", "2025Q2", "--as-of", "2025-06-24", "--officer", "OF1"]
    assert main([*args, "--format", "json"]) == 0
    figures = json.loads(capsys.readouterr().out, parse_float=Decimal)["officers"][0]
    assert figures["field_receipts_unreconciled"] == 2
    assert figures["field_receipts_unreconciled_amount"] == Decimal("230.00")
    log_in_as("officer")
    tiles = {m.label: m.value for m in open_page("pages/my_quarter.py").metric}
    assert tiles["Field receipts not reconciled"] == str(figures["field_receipts_unreconciled"])


def test_the_team_overview_charts_each_officers_receipts(receipts_db: str, log_in_as) -> None:
    log_in_as("team_leader")
    at = open_page("pages/team.py")
    layers = chart_layers(at, "Field receipts not reconciled")
    bars = next(data for mark, data in layers if mark == "bar").set_index("Officer")
    assert bars.loc["张伟 (OF1)", "shown"] == "2"
    assert bars.loc["刘洋 (OF2)", "shown"] == "1"
    assert bars.loc["张伟 (OF1)", "Status"] == "Goal missed"
    subtitle = next(
        json.loads(c.proto.spec)["title"]["subtitle"]
        for c in at.get("vega_lite_chart")
        if json.loads(c.proto.spec)["title"]["text"] == "Field receipts not reconciled"
    )
    assert subtitle == "Goal: 0"


def test_a_receipt_of_today_says_so_instead_of_zero_days_ago(
    receipts_db: str, log_in_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in_as("officer")
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 6, 20))
    assert ":orange[**Not posted**] · received today" in _cards(open_page(PAGE))
    assert ":orange[**未入账**] · 今天收款" in _cards(open_page(PAGE, language="zh"))


def test_with_no_receipt_open_the_page_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_in_as
) -> None:
    monkeypatch.setattr("app.clock.today", lambda: TODAY)

    def portfolio_only(engine: Engine, folder: Path) -> None:
        assert do_import(engine, write_folder(folder, receipts_portfolio())).ok

    app_database(tmp_path, monkeypatch, portfolio_only)
    log_in_as("officer")
    at = open_page(PAGE)
    assert [s.value for s in at.success] == ["Every receipt is posted with its amount."]
    assert "receipts not reconciled" not in texts(at)
