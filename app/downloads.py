"""The one download widget of the app: a button that makes the file and starts its download
through the authenticated route, never through Streamlit's `/media/...` URLs.

Streamlit's own download button hands its bytes (or a callable making them) to the media
file manager, which serves them at a URL anyone can fetch without a cookie, even after
the person logged out. Here a tap on the button makes the file with the page's builder,
stores it as a one-time grant of the viewer's session (core/security/downloads.py) and
starts `GET /download/<token>` (app/auth/download_route.py) in the same tab; a visible
link does the same if the browser did not start it. The link works once, for
FIELDBOOK_DOWNLOAD_MINUTES, and only with this login's cookie.

The script and the link hold only the random token and catalogue text (escaped): no file
name, no data and nothing a person typed.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import streamlit as st
from sqlalchemy.exc import OperationalError

from app.auth.download_route import download_url
from app.i18n import t
from app.resources import get_engine
from app.viewer import viewer
from core.security.downloads import offer_download
from core.settings import load_settings

# Clicks the newest download link once (a rerun that draws the element again must not
# fetch a used grant), in the same tab: an attachment does not navigate away from the app.
# The script is the same text every time (the token is read from the link), so the
# Content-Security-Policy allows it by its hash (app.auth.headers.APP_SCRIPTS).
START_DOWNLOAD = """<script>
(() => {
  window.fieldbookDownloads = window.fieldbookDownloads || new Set();
  const start = (tries) => {
    const links = document.querySelectorAll("a[data-fieldbook-download]");
    const link = links.length ? links[links.length - 1] : null;
    if (link) {
      const token = link.getAttribute("data-fieldbook-download");
      if (window.fieldbookDownloads.has(token)) return;
      window.fieldbookDownloads.add(token);
      link.click();
    } else if (tries > 0) {
      window.setTimeout(() => start(tries - 1), 50);
    }
  };
  start(40);
})();
</script>"""

_LINK = (
    '<a href="%(url)s" download data-fieldbook-download="%(token)s" '
    'target="_self" rel="noopener">%(text)s</a>'
)


def file_download(
    label: str,
    make: Callable[[], bytes | str],
    *,
    file_name: str,
    mime: str,
    key: str,
    icon: str | None = None,
    where: Any = None,
    width: Any = "content",
) -> None:
    """A button labelled `label`; a tap makes the file with `make()` and downloads it as
    `file_name` (`mime`) through the download route, for this viewer's session only.

    A text file (`make` returning str) is sent as UTF-8. `where` is the container to
    draw in (a column), default the page. `make` runs only on the tap, so a page that is
    merely opened prepares nothing.
    """
    with _inside(where):
        if not st.button(label, key=key, icon=icon, width=width):
            return
        with st.spinner(t("download.preparing")):
            made = make()
            content = made.encode("utf-8") if isinstance(made, str) else made
            token = _grant(file_name, mime, content)
        if token is None:
            st.error(t("download.failed"))
            return
        minutes = load_settings().download_minutes
        link = _LINK % {
            "url": html.escape(download_url(token)),
            "token": html.escape(token),
            "text": html.escape(t("download.fallback", minutes=minutes)),
        }
        st.html(link + START_DOWNLOAD, unsafe_allow_javascript=True)


def _inside(where: Any) -> AbstractContextManager[Any]:
    return nullcontext() if where is None else where  # a DeltaGenerator is a context


def _grant(file_name: str, mime: str, content: bytes) -> str | None:
    user = viewer().user
    try:
        return offer_download(
            get_engine(),
            session_id=user.session_id,
            user_id=user.user_id,
            filename=file_name,
            media_type=mime,
            content=content,
            ttl=dt.timedelta(minutes=load_settings().download_minutes),
        )
    except OperationalError:  # the write lock stayed taken (a long import): try again
        return None
