"""The login form's answers to the login route's flags: busy, throttled, in both languages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app.auth.login_form import throttle_minutes
from core.paths import PROJECT_ROOT


def _login_page(language: str, **flags: str) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "streamlit_app.py"), default_timeout=30)
    at.session_state["language"] = language
    for name, value in flags.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception
    return at


def _form(at: AppTest) -> str:
    return " ".join(element.proto.body for element in at.get("html"))


def test_a_busy_database_says_try_again_and_keeps_the_username(loaded_db: str, log_in_as) -> None:
    log_in_as(None)
    at = _login_page("en", login_busy="1", username="wang")
    assert [w.value for w in at.warning] == [
        "The server is busy at the moment (another task is writing to the database). "
        "Please try again in a moment."
    ]
    assert not at.error
    assert 'value="wang"' in _form(at)
    zh = _login_page("zh", login_busy="1", username="wang")
    assert [w.value for w in zh.warning] == ["服务器正忙（另一项任务正在写入数据库），请稍后再试。"]


def test_a_throttled_login_says_how_long_to_wait(loaded_db: str, log_in_as) -> None:
    log_in_as(None)
    at = _login_page("en", login_failed="1", wait="4", username="admin")
    assert at.error[0].value.startswith("Wrong username or password.")
    assert [w.value for w in at.warning] == [
        "Too many wrong attempts from this connection: wait 4 min, then try again."
    ]
    zh = _login_page("zh", login_failed="1", wait="4", username="admin")
    assert zh.error[0].value.startswith("用户名或密码错误。")
    assert [w.value for w in zh.warning] == ["本网络连接输错次数过多，请等待4分钟后再试。"]
    plain = _login_page("en", login_failed="1", username="admin")
    assert not plain.warning


@pytest.mark.parametrize("flag", ["", "0", "-3", "abc", "99999", "4; x"])
def test_a_wait_flag_that_is_not_a_plausible_number_is_ignored(flag: str) -> None:
    assert throttle_minutes(flag) is None


def test_a_wait_flag_of_minutes_is_read() -> None:
    assert [throttle_minutes(f) for f in ("1", "60", "1440")] == [1, 60, 1440]
