"""Today's date and the time of day for the pages, in the cooperative's time zone
(FIELDBOOK_TIMEZONE): one place, so that tests can set the day."""

from __future__ import annotations

import datetime as dt

from core.localtime import local_clock, local_today


def today() -> dt.date:
    """The cooperative's current date (not the server's, which may run in UTC)."""
    return local_today()


def time_of_day() -> str:
    """The cooperative's current time of day, "07:05": when a draft was saved."""
    return local_clock()
