"""Today's date for the pages: one function, so that tests can set the day."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """The server's current date."""
    return dt.date.today()
