"""People as screens show them: by display name, never by the username stored in a row.

A screen collects the usernames of the rows it shows, asks once for their names
(`names_of`, one query), then writes each person with `person`. The programs that also
write to the database ("system", "cli", "import", "demo") have names in the catalog.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from app.i18n import t
from app.resources import get_engine
from core.auth.directory import display_names
from core.auth.users import RESERVED_USERNAMES


def names_of(usernames: Iterable[str | None]) -> dict[str, str]:
    """username → display name of these usernames' accounts, in one query."""
    wanted = [u for u in usernames if u and u not in RESERVED_USERNAMES]
    if not wanted:
        return {}
    with get_engine().connect() as conn:
        return display_names(conn, wanted)


def person(username: str | None, names: Mapping[str, str], *, with_login: bool = False) -> str:
    """How a stored username reads: the display name (with the login in brackets when
    `with_login`, for the admin who needs it), a program's name, or the username itself
    for an account that no longer exists; "" for none."""
    if not username:
        return ""
    if username in RESERVED_USERNAMES:
        return t(f"people.{username}")
    name = names.get(username)
    if name is None:
        return username
    return f"{name} ({username})" if with_login and name != username else name
