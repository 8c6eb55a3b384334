"""Stored UTC instants read in the cooperative's zone (FIELDBOOK_TIMEZONE)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from core.localtime import display_zone, local_midnight, to_local

# 23:30 UTC on the last day of June: already 1 July in Shanghai.
INSTANT = dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC)


def test_the_default_zone_is_shanghai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIELDBOOK_TIMEZONE", raising=False)
    local = to_local(INSTANT)
    assert local.isoformat() == "2025-07-01T07:30:00+08:00"
    assert display_zone() == zoneinfo.ZoneInfo("Asia/Shanghai")


def test_sqlite_naive_values_are_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIELDBOOK_TIMEZONE", raising=False)
    assert to_local(INSTANT.replace(tzinfo=None)).isoformat() == "2025-07-01T07:30:00+08:00"


def test_another_zone_comes_from_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDBOOK_TIMEZONE", "America/New_York")
    assert to_local(INSTANT).isoformat() == "2025-06-30T19:30:00-04:00"  # summer time
    winter = dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)
    assert to_local(winter).isoformat() == "2025-01-15T07:00:00-05:00"


def test_a_local_day_starts_at_local_midnight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIELDBOOK_TIMEZONE", raising=False)
    start = local_midnight(dt.date(2025, 7, 1))
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 6, 30, 16, 0, tzinfo=dt.UTC)
    assert start <= INSTANT < local_midnight(dt.date(2025, 7, 2))
