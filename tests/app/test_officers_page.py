"""The officers page shows each officer's portfolio size, in both languages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.paths import CONFIG_DIR
from tests.app.conftest import start_app


@pytest.fixture(autouse=True)
def as_admin(log_in_as) -> None:
    log_in_as("admin")


def open_officers(language: str = "en") -> AppTest:
    at = start_app(language)
    return at.switch_page("pages/officers.py").run()


def test_lists_every_officer_with_exact_figures(loaded_db: str) -> None:
    at = open_officers("en")
    assert not at.exception
    assert at.title[0].value == "Officers and their portfolios"
    table = at.dataframe[0].value
    assert list(table["Code"]) == ["OF1", "OF2"]
    # OF1: L1 3,000.00 less 2,000.00 repaid; L2 written off (2025-09-30) so not active.
    assert list(table["Active loans"]) == [1, 0]
    assert list(table["Borrowers"]) == [2, 1]
    assert list(table["Outstanding (¥)"]) == ["¥1,000.00", "¥0.00"]
    assert [m.value for m in at.metric] == ["2", "3", "1", "¥1,000.00"]


def test_speaks_chinese(loaded_db: str) -> None:
    at = open_officers("zh")
    assert at.title[0].value == "信贷员及其贷款组合"
    assert "未偿本金（元）" in at.dataframe[0].value.columns
    assert at.metric[3].label == "未偿本金"


def test_language_switch_changes_the_page(loaded_db: str) -> None:
    at = start_app("zh")  # the home page: AppTest keeps sidebar widgets on a first run only
    assert at.title[0].value == "需要关注的事项"
    at.selectbox(key="language_picker").set_value("en").run()
    assert at.title[0].value == "What needs attention"


def test_branch_filter(loaded_db: str) -> None:
    at = open_officers("en")
    at.selectbox(key="officers_branch__en").set_value("城关支行").run()
    assert len(at.dataframe[0].value) == 2
    assert at.metric[0].value == "2"


def test_the_branch_choice_survives_a_language_switch(loaded_db: str) -> None:
    at = open_officers("en")
    at.selectbox(key="officers_branch__en").set_value("城关支行").run()
    # AppTest loses sidebar widgets after a rerun under st.navigation (the browser does
    # not), so the switch is made the way its callback makes it.
    at.session_state["language"] = "zh"
    at.run()
    assert at.selectbox(key="officers_branch__zh").value == "城关支行"
    at.selectbox(key="officers_branch__zh").set_value("").run()
    assert at.selectbox(key="officers_branch__zh").value == ""


def test_an_empty_database_says_how_to_load_data(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/empty.db")
    at = open_officers("en")
    assert not at.exception
    assert "python -m core demo" in at.info[0].value


def test_an_unreachable_database_gets_a_friendly_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    at = start_app("en")
    assert not at.exception
    assert at.title[0].value == "Fieldbook cannot start"
    assert "DATABASE_URL" in at.info[0].value


def test_a_broken_rules_file_gets_a_page_naming_its_line(
    loaded_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    text = (config / "rules.yaml").read_text(encoding="utf-8")
    (config / "rules.yaml").write_text(
        text.replace("figure: recovery_rate", "figure: recovery_rat", 1), encoding="utf-8"
    )
    monkeypatch.setenv("FIELDBOOK_CONFIG_DIR", str(config))
    at = start_app("en")
    assert not at.exception
    assert at.title[0].value == "Fieldbook cannot start"
    assert "rules.yaml, line" in at.error[0].value
    assert "recovery_rat" in at.error[0].value
