"""Strings and number formats per language, read from config/i18n/*.yaml.

The language lives in the session (never process-wide: gettext.install or setlocale
would switch every user's language at once). Stored values stay codes; only display
text is translated.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import streamlit as st
import yaml
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.dates import get_timezone_name
from babel.numbers import format_decimal

from core.config.catalogue import fill
from core.config.messages_zh import to_chinese as config_to_chinese
from core.localtime import display_zone, to_local
from core.paths import CONFIG_DIR
from core.settings import SettingsError, load_settings

LANGUAGES = {"en": "English", "zh": "简体中文"}
_LOCALES = {"en": "en_GB", "zh": "zh_CN"}


@cache
def load_catalog(language: str, folder: Path = CONFIG_DIR / "i18n") -> dict[str, str]:
    """The strings of one language: `<language>.yaml` and every file of the `<language>/`
    folder (one per screen), merged. A key defined twice is an error, never a silent
    override. Cached per process: catalogs are the same for all users."""
    files = [folder / f"{language}.yaml", *sorted((folder / language).glob("*.yaml"))]
    catalog: dict[str, str] = {}
    for path in files:
        with path.open(encoding="utf-8") as handle:
            part = yaml.safe_load(handle) or {}
        for key, value in part.items():
            if str(key) in catalog:
                raise ValueError(f"{path}: key {key!r} is already defined in another file")
            catalog[str(key)] = str(value)
    return catalog


def default_language() -> str:
    """The configured default language; Chinese when the setting is unusable."""
    try:
        return load_settings().default_language
    except SettingsError:
        return "zh"


def current_language() -> str:
    """The session's language code."""
    language = st.session_state.get("language")
    return language if language in LANGUAGES else default_language()


def t(key: str, **values: object) -> str:
    """The text for `key` in the session's language, with {placeholders} filled (and a
    count's noun in its form: core.config.catalogue.fill)."""
    return fill(load_catalog(current_language())[key], **values)


def config_message(message: str) -> str:
    """A configuration check's message (core writes English, as the command line shows it)
    in the reader's language."""
    return config_to_chinese(message) if current_language() == "zh" else message


def money(amount: Decimal) -> str:
    """¥12,345.00 in both languages (the cooperative counts in yuan)."""
    return "¥" + format_decimal(amount, format="#,##0.00", locale=_LOCALES[current_language()])


def number(value: int) -> str:
    """12,345."""
    return format_decimal(value, format="#,##0", locale=_LOCALES[current_language()])


def date(value: dt.date) -> str:
    """28 Nov 2026 / 2026年11月28日."""
    style = "medium" if current_language() == "en" else "long"
    return babel_format_date(value, format=style, locale=_LOCALES[current_language()])


def date_time(value: dt.datetime | None, *, seconds: bool = False) -> str:
    """A stored instant in the cooperative's time zone and the reader's language:
    2025年6月1日 17:00 / 1 Jun 2025, 17:00 ("" for none)."""
    if value is None:
        return ""
    local = to_local(value)
    locale = _LOCALES[current_language()]
    style = "medium" if current_language() == "en" else "long"
    day = babel_format_date(local.date(), format=style, locale=locale)
    clock = babel_format_time(
        local.time(), format="HH:mm:ss" if seconds else "HH:mm", locale=locale
    )
    return str(Locale.parse(locale).datetime_formats[style]).format(clock, day)


def zone_name() -> str:
    """The display zone's name in the reader's language: 中国标准时间 / China Standard
    Time; a zone with summer time gets its generic name (英国时间 / British Time), which
    holds for times of either season."""
    zone = display_zone()
    locale = _LOCALES[current_language()]
    january, july = (dt.datetime(2025, month, 1, tzinfo=zone) for month in (1, 7))
    if january.utcoffset() != july.utcoffset():
        return str(get_timezone_name(zone, width="long", locale=locale))
    return str(get_timezone_name(january, width="long", locale=locale))


def percent(value: Decimal | None) -> str:
    """97.5% (one decimal, rounded half up like the exports and messages), or — where a
    ratio is undefined."""
    if value is None:
        return "—"
    # Rounded here, not by babel (half even), so 98.25% reads 98.3% on every screen and file.
    tenths = (Decimal(value) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return format_decimal(tenths, format="#,##0.0", locale=_LOCALES[current_language()]) + "%"
