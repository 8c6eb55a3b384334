"""Every text of the app comes from the catalogs, which hold the same keys in both
languages; a key the code uses is in them, and a key in them is used."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import streamlit as st

from app.i18n import date_time, load_catalog, zone_name
from core.auth.roles import catalogue_keys as page_title_keys
from core.field.sheet_pdf import label_keys as sheet_pdf_keys
from core.importer.messages import catalogue_keys
from core.notify.content import catalogue_keys as digest_keys
from core.paths import PROJECT_ROOT
from core.training.sheet_pdf import label_keys as attendance_pdf_keys

LITERAL = re.compile(r"""\bt\(\s*["']([a-z_][a-z0-9_.]*)["']""")
DYNAMIC = re.compile(r"""\bt\(\s*f["']([a-z_][a-z0-9_.]*)\{""")


def _sources() -> str:
    files = [
        PROJECT_ROOT / "streamlit_app.py",
        *(PROJECT_ROOT / "app").rglob("*.py"),
        *(PROJECT_ROOT / "pages").glob("*.py"),
    ]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def test_both_languages_have_the_same_keys() -> None:
    assert set(load_catalog("en")) == set(load_catalog("zh"))


def test_every_key_used_exists_and_every_key_is_used() -> None:
    source = _sources()
    # The menu's page and section titles are named in core/auth/roles.py.
    literal = set(LITERAL.findall(source)) | page_title_keys()
    prefixes = set(DYNAMIC.findall(source))
    keys = set(load_catalog("en"))
    assert literal - keys == set()
    # The importer's messages are worded by core (core/importer/messages.py), by code; the
    # collection sheet's and the attendance sheet's PDFs read their words themselves
    # (core/field/sheet_pdf.py, core/training/sheet_pdf.py), and so do the daily digests
    # (core/notify/content.py).
    used = literal | catalogue_keys() | sheet_pdf_keys() | attendance_pdf_keys() | digest_keys()
    unused = {k for k in keys - used if not any(k.startswith(p) for p in prefixes)}
    assert unused == set()


def test_no_chinese_text_is_left_in_english() -> None:
    en, zh = load_catalog("en"), load_catalog("zh")
    untranslated = [
        k
        for k, v in zh.items()
        if v == en[k] and re.search("[A-Za-z]", re.sub(r"\{[^}]*\}", "", v))
    ]
    assert untranslated == []


# 23:30 UTC on the last day of June: already 1 July in Shanghai.
INSTANT = dt.datetime(2025, 6, 30, 23, 30, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "expected", "with_seconds"),
    [
        ("zh", "2025年7月1日 07:30", "2025年7月1日 07:30:05"),
        ("en", "1 Jul 2025, 07:30", "1 Jul 2025, 07:30:05"),
    ],
)
def test_a_stored_time_reads_in_shanghai_in_the_readers_language(
    monkeypatch: pytest.MonkeyPatch, language: str, expected: str, with_seconds: str
) -> None:
    monkeypatch.delenv("FIELDBOOK_TIMEZONE", raising=False)
    monkeypatch.setitem(st.session_state, "language", language)
    assert date_time(INSTANT) == expected
    assert date_time(INSTANT.replace(tzinfo=None)) == expected  # SQLite's naive UTC
    assert date_time(INSTANT, seconds=True) == with_seconds
    assert date_time(None) == ""
    assert zone_name() == {"zh": "中国标准时间", "en": "China Standard Time"}[language]


def test_the_zone_setting_moves_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDBOOK_TIMEZONE", "UTC")
    monkeypatch.setitem(st.session_state, "language", "zh")
    assert date_time(INSTANT) == "2025年6月30日 23:30"
    assert zone_name() == "协调世界时"


def test_screens_round_percentages_half_up_like_the_files() -> None:
    # 98.25% is 98.3% on a screen, in a CSV ("98.3%") and in a rule's message alike;
    # babel alone would round half to even (98.2%).
    import streamlit as st

    from app.i18n import percent
    from core.exports.cells import PERCENT, cell_text

    for language in ("en", "zh"):
        st.session_state["language"] = language
        assert percent(Decimal("0.9825")) == cell_text(Decimal("0.9825"), PERCENT) == "98.3%"
        assert percent(Decimal("0.98349")) == "98.3%"
        assert percent(Decimal(12)) == "1,200.0%"
        assert percent(None) == "—"
