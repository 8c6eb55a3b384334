"""The download route, served beside Streamlit by serve.py: `GET /download/<token>`.

A page never hands a file to Streamlit's download button (whose bytes anyone can fetch
from `/media/...`); it stores the file as a one-time grant of the viewer's session
(app/downloads.py, core/security/downloads.py) and links here. This route hands the file
over only to a browser whose session cookie is that session's, still open, once, before
the grant expires. Every refusal is the same 404, so a stranger learns nothing about a
token. The database work runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import PurePosixPath
from urllib.parse import quote

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from app.auth.session import SESSION_COOKIE
from app.i18n import load_catalog
from core.auth.login import current_user
from core.db.engine import make_engine
from core.db.schema import ensure_schema
from core.security.downloads import GrantedFile, collect_download
from core.settings import load_settings

DOWNLOAD_PATH = "/download"
# Headers no download goes without: never cached (a shared computer's cache would keep a
# backup), never sniffed into another type, never framed.
_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
LANGUAGES = ("zh", "en")


class Busy:
    """The database could not be written in time: the grant is still there to fetch."""


BUSY = Busy()
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")
_RUN = re.compile(r"[-_]*_[-_]*")


@cache
def _engine() -> Engine:
    engine = make_engine()
    ensure_schema(engine)
    return engine


def _claim(session_token: str | None, grant_token: str) -> GrantedFile | None | Busy:
    # Both steps read the database: run in a worker thread by the handler.
    engine = _engine()
    try:
        user = current_user(engine, session_token, load_settings())
        if user is None:
            return None
        return collect_download(engine, grant_token, user.session_id)
    except OperationalError:  # the write lock stayed taken (a long import): not a 500
        return BUSY


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real one in RFC 5987 form, so a
    Chinese name arrives intact and no name can break out of the header."""
    name = filename.replace("/", "_").replace("\\", "_").strip() or "download"
    path = PurePosixPath(name)
    suffix = _UNSAFE_ASCII.sub("", path.suffix)
    stem = name[: len(name) - len(path.suffix)] if path.suffix else name
    ascii_name = (_RUN.sub("_", _UNSAFE_ASCII.sub("_", stem)).strip("._-") or "download") + suffix
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def t(key: str, language: str) -> str:
    """A catalogue text in a given language: a route has no session state to say which
    language the reader chose (app.i18n.t reads it there)."""
    return load_catalog(language)[key]


def _not_found() -> Response:
    # One answer for no cookie, an ended session, another person's or session's grant,
    # an unknown, used or expired token.
    return _page([t("download.gone", language) for language in LANGUAGES], 404)


def _page(texts: list[str], status: int, extra: dict[str, str] | None = None) -> Response:
    # In both languages, since the reader's choice is not known here.
    body = "".join(f"<p>{html.escape(text)}</p>" for text in texts)
    page = f'<!doctype html><meta charset="utf-8"><title>{status}</title>{body}'
    return HTMLResponse(page, status_code=status, headers={**_HEADERS, **(extra or {})})


async def download(request: Request) -> Response:
    """GET /download/<token>: the granted file as an attachment, or the one 404."""
    token = str(request.path_params.get("token", ""))
    granted = await run_in_threadpool(_claim, request.cookies.get(SESSION_COOKIE), token)
    if isinstance(granted, Busy):
        busy = [t("download.busy", language) for language in LANGUAGES]
        return _page(busy, 503, {"Retry-After": "5"})
    if granted is None:
        return _not_found()
    headers = {**_HEADERS, "Content-Disposition": content_disposition(granted.filename)}
    return Response(granted.content, media_type=granted.media_type, headers=headers)


def download_url(token: str) -> str:
    """The link to a grant's file (relative: the app's own host)."""
    return f"{DOWNLOAD_PATH}/{token}"


DOWNLOAD_ROUTES = [Route(DOWNLOAD_PATH + "/{token}", download, methods=["GET"])]
