"""Times are stored in UTC and read in the cooperative's own time zone.

The database keeps aware UTC (SQLite hands it back naive, still UTC); what a person sees,
on a screen or on paper, is the same instant in FIELDBOOK_TIMEZONE (Asia/Shanghai unless
set otherwise). The conversion lives here so every screen and export agrees.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from core.settings import load_settings


def utc(value: dt.datetime) -> dt.datetime:
    """`value` as an aware UTC datetime; SQLite hands back stored UTC values naive."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def display_zone() -> zoneinfo.ZoneInfo:
    """The zone times are shown in (FIELDBOOK_TIMEZONE); read on every call, so a changed
    setting applies without a restart of anything that caches."""
    return zoneinfo.ZoneInfo(load_settings().timezone)


def to_local(value: dt.datetime, zone: zoneinfo.ZoneInfo | None = None) -> dt.datetime:
    """A stored instant (aware, or naive UTC as SQLite returns it) as an aware datetime in
    `zone` (default: the display zone)."""
    return utc(value).astimezone(zone or display_zone())


def local_midnight(day: dt.date, zone: zoneinfo.ZoneInfo | None = None) -> dt.datetime:
    """The instant a local calendar day begins (aware), to filter stored times by the days
    people think in."""
    return dt.datetime.combine(day, dt.time(), tzinfo=zone or display_zone())


def local_today(now: dt.datetime | None = None) -> dt.date:
    """The cooperative's calendar day at `now` (default: this instant). The server's own
    clock may run in UTC: at 07:00 in Shanghai it is still yesterday there, and "today"
    must be the officers' day, for the date a visit defaults to and for what counts as
    the future."""
    return to_local(now or dt.datetime.now(dt.UTC)).date()


def local_clock(now: dt.datetime | None = None) -> str:
    """The cooperative's time of day at `now` (default: this instant), "07:05"."""
    return to_local(now or dt.datetime.now(dt.UTC)).strftime("%H:%M")
