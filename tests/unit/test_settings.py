"""Settings are declared once, documented in the README, and checked on load."""

from __future__ import annotations

import pytest

from core.paths import PROJECT_ROOT
from core.settings import SETTINGS, SettingsError, load_settings


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert [s.env for s in SETTINGS if f"`{s.env}`" not in readme] == []


def test_defaults_point_into_the_project() -> None:
    settings = load_settings({})
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'fieldbook.db'}"
    assert settings.config_dir == PROJECT_ROOT / "config"
    assert settings.default_language == "zh"
    assert settings.sqlite_busy_timeout_ms == 30000
    assert (settings.session_idle_minutes, settings.session_max_hours) == (60, 12)
    assert settings.timezone == "Asia/Shanghai"


def test_environment_overrides_defaults() -> None:
    settings = load_settings(
        {
            "DATABASE_URL": "sqlite:////tmp/x.db",
            "FIELDBOOK_DEFAULT_LANGUAGE": "en",
            "FIELDBOOK_TIMEZONE": "Asia/Urumqi",
        }
    )
    assert settings.database_url == "sqlite:////tmp/x.db"
    assert settings.default_language == "en"
    assert settings.timezone == "Asia/Urumqi"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("FIELDBOOK_SQLITE_BUSY_TIMEOUT_MS", "soon", "whole number of milliseconds"),
        ("FIELDBOOK_DEFAULT_LANGUAGE", "fr", "must be zh or en"),
        ("FIELDBOOK_SESSION_IDLE_MINUTES", "an hour", "whole number of minutes above 0"),
        ("FIELDBOOK_SESSION_IDLE_MINUTES", "0", "whole number of minutes above 0"),
        ("FIELDBOOK_SESSION_MAX_HOURS", "-1", "whole number of hours above 0"),
        ("FIELDBOOK_TIMEZONE", "Beijing", "time zone name such as Asia/Shanghai"),
        ("FIELDBOOK_TIMEZONE", "Asia", "time zone name such as Asia/Shanghai"),
        ("FIELDBOOK_TIMEZONE", "../../etc/passwd", "time zone name such as Asia/Shanghai"),
    ],
)
def test_unusable_values_are_refused_with_the_name(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message) as error:
        load_settings({name: value})
    assert name in str(error.value)
