"""The audit trail page: filters by who, what (action) and when (local days); actions by
name, people by display name, times in the cooperative's zone."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from core.auth.users import add_user
from core.db.audit import record
from core.db.engine import make_engine, write_transaction
from tests.app.conftest import open_page, start_app

PAGE = "pages/audit.py"


def add_account(url: str, username: str, name: str) -> None:
    """An admin account called `username` whose display name is `name`."""
    engine = make_engine(database_url=url)
    with write_transaction(engine) as conn:
        add_user(conn, username, name, "admin", None, "a long password 1", actor="cli")
    engine.dispose()


@pytest.fixture
def audited(loaded_db: str) -> str:
    """The base portfolio's database plus three account changes in June 2025."""
    engine = make_engine(database_url=loaded_db)
    entries = [
        ("admin", "user.add", "wang", dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)),
        ("admin", "user.disable", "li", dt.datetime(2025, 6, 10, 23, 59, tzinfo=dt.UTC)),
        ("cli", "user.add", "zhao", dt.datetime(2025, 6, 11, 0, 0, tzinfo=dt.UTC)),
    ]
    with write_transaction(engine) as conn:
        for actor, action, key, at in entries:
            record(
                conn,
                actor=actor,
                action=action,
                entity="user",
                entity_key=key,
                before=None,
                after={"username": key},
                at=at,
            )
    engine.dispose()
    return loaded_db


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 6, 30))


def keys(at: AppTest) -> list[str]:
    return [str(k) for k in at.dataframe[0].value["Key"].tolist()]


def test_what_offers_every_recorded_action(audited: str, log_in_as) -> None:
    log_in_as("admin")
    at = open_page(PAGE)
    box = at.selectbox(key="audit_action__en")
    assert box.options == ["Every action", "Data imported", "Account added", "Account disabled"]
    # Newest first: the fixture's import happened today (real time), after June 2025.
    assert keys(at)[1:] == ["zhao", "li", "wang"]
    at = box.set_value("user.add").run()
    assert keys(at) == ["zhao", "wang"]


def test_who_and_what_combine(audited: str, log_in_as) -> None:
    log_in_as("admin")
    at = open_page(PAGE)
    at.selectbox(key="audit_action__en").set_value("user.add").run()
    at = at.text_input(key="audit_actor").set_value("admin").run()
    assert keys(at) == ["wang"]


def test_when_includes_both_days(audited: str, log_in_as, monkeypatch) -> None:
    monkeypatch.setenv("FIELDBOOK_TIMEZONE", "UTC")
    log_in_as("admin")
    at = open_page(PAGE)
    at.date_input(key="audit_since").set_value(dt.date(2025, 6, 2)).run()
    at = at.date_input(key="audit_until").set_value(dt.date(2025, 6, 10)).run()
    # 10 June 23:59 is inside the "to" day; 11 June 00:00 is not; 1 June is before.
    assert keys(at) == ["li"]
    at = at.date_input(key="audit_until").set_value(dt.date(2025, 6, 11)).run()
    assert keys(at) == ["zhao", "li"]


def test_days_are_the_cooperatives_days(audited: str, log_in_as) -> None:
    # In Shanghai (UTC+8) 10 June 23:59 UTC is already 11 June 07:59, and 11 June 00:00 UTC
    # is 08:00 that morning: both belong to 11 June, none to 10 June.
    log_in_as("admin")
    at = open_page(PAGE)
    at.date_input(key="audit_since").set_value(dt.date(2025, 6, 10)).run()
    at = at.date_input(key="audit_until").set_value(dt.date(2025, 6, 10)).run()
    assert at.info[0].value == "Nothing recorded yet."
    at = at.date_input(key="audit_until").set_value(dt.date(2025, 6, 11)).run()
    assert keys(at) == ["zhao", "li"]


def test_entries_read_in_local_time_with_names(audited: str, log_in_as) -> None:
    add_account(audited, "admin", "周敏")
    log_in_as("admin")
    frame = open_page(PAGE).dataframe[0].value
    rows = frame[frame["Key"].isin(["wang", "li", "zhao"])].values.tolist()
    assert rows == [
        ["11 Jun 2025, 08:00:00", "Server command line", "Account added", "Account", "zhao"],
        ["11 Jun 2025, 07:59:00", "周敏 (admin)", "Account disabled", "Account", "li"],
        ["1 Jun 2025, 17:00:00", "周敏 (admin)", "Account added", "Account", "wang"],
    ]


def test_the_chinese_trail_has_no_codes_and_names_the_zone(audited: str, log_in_as) -> None:
    add_account(audited, "admin", "周敏")
    log_in_as("admin")
    at = start_app("zh").switch_page("pages/audit.py").run()
    frame = at.dataframe[0].value
    assert frame.values.tolist()[-1] == [
        "2025年6月1日 17:00:00",
        "周敏 (admin)",
        "添加账户",
        "账户",
        "wang",
    ]
    assert "导入数据" in frame["操作"].tolist()
    assert at.caption[-1].value == "时间按中国标准时间显示。"
    assert at.selectbox(key="audit_action__zh").options == [
        "全部操作",
        "导入数据",
        "添加账户",
        "停用账户",
    ]


def test_another_zone_is_a_setting(audited: str, log_in_as, monkeypatch) -> None:
    monkeypatch.setenv("FIELDBOOK_TIMEZONE", "Europe/London")
    log_in_as("admin")
    at = open_page(PAGE)
    assert at.dataframe[0].value["When"].tolist()[-1] == "1 Jun 2025, 10:00:00"  # BST
    assert at.caption[-1].value == "Times are shown in British Time."


def test_a_reversed_range_is_explained(audited: str, log_in_as) -> None:
    log_in_as("admin")
    at = open_page(PAGE)
    at.date_input(key="audit_since").set_value(dt.date(2025, 6, 12)).run()
    at = at.date_input(key="audit_until").set_value(dt.date(2025, 6, 2)).run()
    assert at.warning[0].value == 'The "to" day is before the "from" day.'
    assert not at.dataframe


def test_nothing_matching_says_so(audited: str, log_in_as) -> None:
    log_in_as("admin")
    at = open_page(PAGE)
    at = at.text_input(key="audit_actor").set_value("nobody").run()
    assert at.info[0].value == "Nothing recorded yet."


def test_other_roles_cannot_open_it(loaded_db: str, log_in_as) -> None:
    for role in ("officer", "team_leader", "trainer"):
        log_in_as(role)
        with pytest.raises(ValueError):
            start_app("en").switch_page("pages/audit.py")
