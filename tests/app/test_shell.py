"""The frame around the pages: login, the pages of each role, nothing of other roles."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import streamlit as st

from app.i18n import load_catalog
from core.auth.roles import ROLE_CODES, ROLES_BY_CODE
from core.paths import CONFIG_DIR
from tests.app.conftest import elements, start_app

ALL_PAGES = ("pages/home.py", "pages/officers.py", "pages/audit.py", "pages/change_password.py")


def html_of(at) -> str:
    return " ".join(element.proto.body for element in at.get("html"))


def test_nobody_logged_in_sees_only_the_login_form(loaded_db: str, log_in_as) -> None:
    log_in_as(None)
    at = start_app("en")
    assert not at.exception
    assert at.title[0].value == "Log in to Fieldbook"
    form = html_of(at)
    assert 'action="/auth/login"' in form and 'type="password"' in form
    assert ">Username<" in form and ">Password<" in form and ">Log in<" in form
    for page in ALL_PAGES:
        with pytest.raises(ValueError):
            at.switch_page(page)


def test_the_login_form_speaks_chinese(loaded_db: str, log_in_as) -> None:
    log_in_as(None)
    form = html_of(start_app("zh"))
    assert ">用户名<" in form and ">密码<" in form and ">登录<" in form


def test_a_failed_login_says_so_and_keeps_the_username_escaped(loaded_db: str, log_in_as) -> None:
    log_in_as(None)
    from streamlit.testing.v1 import AppTest

    from core.paths import PROJECT_ROOT

    at = AppTest.from_file(str(PROJECT_ROOT / "streamlit_app.py"), default_timeout=30)
    at.session_state["language"] = "en"
    at.query_params["login_failed"] = "1"
    at.query_params["username"] = '"><script>x</script>'
    at.run()
    assert at.error[0].value.startswith("Wrong username or password.")
    form = html_of(at)
    assert "<script>x" not in form
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in form


def test_a_first_login_must_change_the_password(loaded_db: str, log_in_as) -> None:
    log_in_as("officer", must_change=True)
    at = start_app("en")
    assert at.title[0].value == "Choose a new password"
    with pytest.raises(ValueError):
        at.switch_page("pages/home.py")
    at.text_input(key="pw_current").set_value("demo1234")
    at.text_input(key="pw_new").set_value("short")
    at.text_input(key="pw_repeat").set_value("short")
    at.button[0].click().run()
    assert at.error[0].value == "A password needs at least 8 characters."
    assert at.text_input(key="pw_new").value == "short"  # what was typed stays


@pytest.mark.parametrize(
    ("language", "new", "refusal"),
    [
        ("en", " " * 9, "A password cannot be only spaces."),
        ("zh", " " * 9, "密码不能只有空格。"),
        ("zh", "x" * 257, "密码最多256个字符。"),
        ("zh", "short", "密码至少需要8个字符。"),
    ],
)
def test_the_new_password_follows_the_rules_of_core_in_the_readers_language(
    loaded_db: str, log_in_as, language: str, new: str, refusal: str
) -> None:
    log_in_as("officer", must_change=True)
    at = start_app(language)
    at.text_input(key="pw_current").set_value("demo1234")
    at.text_input(key="pw_new").set_value(new)
    at.text_input(key="pw_repeat").set_value(new)
    at.button[0].click().run()
    assert [e.value for e in at.error] == [refusal]


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        ("officer", {"pages/home.py"}),
        ("team_leader", {"pages/home.py", "pages/officers.py"}),
        ("trainer", {"pages/home.py"}),
        ("admin", {"pages/home.py", "pages/officers.py", "pages/audit.py"}),
    ],
)
def test_each_role_reaches_its_pages_and_no_others(
    loaded_db: str,
    log_in_as,
    role: str,
    pages: set[str],
) -> None:
    log_in_as(role)
    at = start_app("en")
    assert not at.exception
    assert f"Test {role}" in " ".join(t.value for t in elements(at.sidebar, "text"))
    # A fresh app for each page: AppTest forgets the registered pages after a page switch.
    for page in ALL_PAGES:
        if page in pages:
            assert not start_app("en").switch_page(page).run().exception
        else:
            with pytest.raises(ValueError):
                start_app("en").switch_page(page)


@pytest.mark.parametrize("role", ROLE_CODES)
def test_each_role_registers_the_pages_core_auth_roles_lists_in_its_menu_section(
    loaded_db: str,
    log_in_as,
    role: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    menus: list[dict[str, list[st.Page]]] = []
    navigation = st.navigation

    def recorded(pages: dict[str, list[st.Page]], **options: object) -> st.Page:
        menus.append(pages)
        return navigation(pages, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(st, "navigation", recorded)
    log_in_as(role)
    start_app("en")
    spec = ROLES_BY_CODE[role]
    english = load_catalog("en")
    [(section, pages)] = menus[-1].items()
    assert section == english[spec.section_key]
    assert [(Path(str(p._page)).name, p.title, p.icon, p.visibility) for p in pages] == [
        (Path(s.path).name, english[s.title_key], s.icon, "hidden" if s.hidden else "visible")
        for s in spec.pages
    ]
    assert [p.title for p in pages if p._default] == [english[spec.default_page.title_key]]


def test_the_officer_home_lists_their_missed_goals(loaded_db: str, log_in_as) -> None:
    log_in_as("officer")
    at = start_app("en").switch_page("pages/home.py").run()
    assert at.title[0].value == "What needs attention"
    assert at.subheader[0].value == "张伟 (OF1)"  # only their own card
    assert len(at.subheader) == 1
    messages = " ".join(e.value for e in at.error)
    assert "PAR30" in messages or "30" in messages


def test_the_team_leader_sees_the_team_only(loaded_db: str, log_in_as) -> None:
    log_in_as("team_leader")
    at = start_app("en").switch_page("pages/officers.py").run()
    assert list(at.dataframe[0].value["Code"]) == ["OF1", "OF2"]


def test_the_trainer_home_compares_cohorts(loaded_db: str, log_in_as) -> None:
    log_in_as("trainer")
    at = start_app("en")
    labels = [m.label for m in at.metric]
    assert labels == ["Trained", "Reached 30+ days late", "Untrained", "Reached 30+ days late"]
    assert at.metric[0].value == "1" and at.metric[1].value == "100.0%"


def test_the_admin_reads_the_audit_trail(loaded_db: str, log_in_as) -> None:
    log_in_as("admin")
    at = start_app("en").switch_page("pages/audit.py").run()
    table = at.dataframe[0].value
    assert list(table["What"]) == ["Data imported"]  # the fixture's import of the portfolio
    assert list(table["Who"]) == ["Importer (server command line)"]


def test_the_trainer_home_counts_first_loans_without_full_training(
    loaded_db: str,
    log_in_as,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import datetime as dt

    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 3, 31))
    log_in_as("trainer")
    at = start_app("en")
    # 2025Q1: L1 (5 training days) and L2 (1 day) were the quarter's first loans.
    assert at.warning[0].value == (
        "2025Q1: 1 of 2 first loans were disbursed with fewer than 5 days of training."
    )


def test_a_broken_rules_file_is_explained_in_chinese(
    loaded_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Path(shutil.copytree(CONFIG_DIR, tmp_path / "config"))
    text = (config / "rules.yaml").read_text(encoding="utf-8")
    (config / "rules.yaml").write_text(text.replace("scope: officer", "scope: village", 1))
    monkeypatch.setenv("FIELDBOOK_CONFIG_DIR", str(config))
    at = start_app("zh")
    assert at.title[0].value == "Fieldbook 无法启动"
    assert at.error[0].value == (
        f"配置文件有误：{config / 'rules.yaml'} 第 68 行，键 'scope'：未知的值 'village'"
        "（应为 officer | team | branch）"
    )


def test_an_unknown_time_zone_names_the_setting(
    loaded_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDBOOK_TIMEZONE", "Beijing")
    at = start_app("zh")
    assert not at.exception
    assert at.title[0].value == "Fieldbook 无法启动"
    assert at.error[0].value == "环境变量 FIELDBOOK_TIMEZONE 的值无法使用。"
    at = start_app("en")
    assert at.error[0].value == (
        "The environment variable FIELDBOOK_TIMEZONE has a value Fieldbook cannot use."
    )


ADMIN_GROUPS_EN = [
    # Q2 recovery: 1,000.00 / 4,500.25; 2,000.00 / 2,000.00; 500.00 / 1,000.00.
    ["Team 城关一组 (城关支行)", "Team recovery rate", "22.2%", "Goal missed: below 95%", "100%"],
    ["Team 城关二组 (城关支行)", "Team recovery rate", "100.0%", "Goal met: 98% or more", "100%"],
    ["Team 河口一组 (河口支行)", "Team recovery rate", "50.0%", "Goal missed: below 95%", "100%"],
    # PAR30 as of 2025-06-30: 4,800.50 / 5,800.50 and 0 / 500.00.
    ["Branch 城关支行", "Branch PAR30", "82.8%", "Goal missed: above 5%", "2%"],
    ["Branch 河口支行", "Branch PAR30", "0.0%", "Goal met: 3% or less", "2%"],
]


@pytest.mark.parametrize(
    ("language", "column", "first", "last"),
    [
        ("en", "Team or branch", ADMIN_GROUPS_EN[0], ADMIN_GROUPS_EN[-1]),
        (
            "zh",
            "小组或支行",
            ["小组 城关一组（城关支行）", "小组回收率", "22.2%", "未达标：低于95%", "100%"],
            ["支行 河口支行", "支行30天以上风险贷款率", "0.0%", "已达标：3%及以下", "2%"],
        ),
    ],
)
def test_the_admin_home_shows_every_team_and_branch_goal(
    two_branch_db: str,
    log_in_as,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    column: str,
    first: list[str],
    last: list[str],
) -> None:
    monkeypatch.setattr("app.clock.today", lambda: dt.date(2025, 6, 30))
    log_in_as("admin")
    at = start_app(language)
    assert not at.exception
    table = next(d.value for d in at.dataframe if column in d.value.columns).values.tolist()
    if language == "en":
        assert table == ADMIN_GROUPS_EN
        assert "Team and branch goals" in [h.value for h in at.subheader]
        assert not at.success  # a breached branch goal: not "every goal is met"
    assert (table[0], table[-1]) == (first, last)
