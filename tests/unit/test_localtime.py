"""Stored UTC instants read in the cooperative's zone (FIELDBOOK_TIMEZONE)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from core.localtime import display_zone, local_clock, local_midnight, local_today, to_local

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


def test_today_is_the_cooperatives_day_not_the_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    # 07:30 in Shanghai on 1 July: a server in UTC still says 30 June, the officers do not.
    monkeypatch.delenv("FIELDBOOK_TIMEZONE", raising=False)
    assert local_today(INSTANT) == dt.date(2025, 7, 1)
    assert local_clock(INSTANT) == "07:30"
    monkeypatch.setenv("FIELDBOOK_TIMEZONE", "America/New_York")
    assert local_today(INSTANT) == dt.date(2025, 6, 30)


def test_the_pages_take_today_from_the_cooperatives_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import app.clock

    monkeypatch.delenv("FIELDBOOK_TIMEZONE", raising=False)
    monkeypatch.setattr("core.localtime.dt", _FrozenDatetime)
    assert app.clock.today() == dt.date(2025, 7, 1)
    assert app.clock.time_of_day() == "07:30"


class _FrozenDatetime:
    """`datetime` as core.localtime sees it, frozen at INSTANT."""

    UTC = dt.UTC
    date = dt.date

    class datetime(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return INSTANT.astimezone(tz) if tz else INSTANT.replace(tzinfo=None)
