"""A Streamlit client without a browser: what the load benchmark's sessions are.

It logs in like the login form (POST /auth/login, which answers with the HttpOnly session
cookie), then talks to the app as Streamlit's frontend does: a websocket to
/_stcore/stream, the cookie in the handshake (the app reads it from st.context.cookies),
BackMsg protobufs up and ForwardMsg protobufs down. Opening a page is a rerun_script
BackMsg with the page's script hash (what a click on a menu link sends); the view ends
with the ForwardMsg script_finished of that run. Nothing is drawn: a view's time is the
server's, plus the network and the parsing of the messages.
"""

from __future__ import annotations

import asyncio
import http.client
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

SESSION_COOKIE = "fieldbook_session"  # app/auth/session.py; bench does not import app
VIEW_TIMEOUT_S = 120.0
LOGIN_TRIES = 5
# What the browser says about itself with each rerun (the app reads none of it today).
TIMEZONE = "Asia/Shanghai"
LOCALE = "zh-CN"

# The kinds of error a view can end with (the report counts them by these names).
EXCEPTION = "exception"
COMPILE_ERROR = "compile error"
NOT_FOUND = "page not found"
OTHER_PAGE = "other page shown"
NO_MENU = "start-up error page"
DROPPED = "dropped connection"
TIMEOUT = "no answer in 120 s"


class LoginRefused(Exception):
    """The login route did not give a session cookie."""


def _post_login(base: str, username: str, password: str) -> tuple[str | None, str]:
    """(cookie value or None, the redirect's query) of one POST /auth/login."""
    netloc = urlsplit(base).netloc
    conn = http.client.HTTPConnection(netloc, timeout=60)
    try:
        conn.request(
            "POST",
            "/auth/login",
            body=urlencode({"username": username, "password": password}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        reply = conn.getresponse()
        reply.read()
        for header in reply.headers.get_all("set-cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == SESSION_COOKIE:
                return rest.split(";", 1)[0], ""
        return None, urlsplit(reply.getheader("location") or "").query
    finally:
        conn.close()


async def log_in(base: str, username: str, password: str) -> str:
    """The session cookie's value after logging in; a login the route answers "busy, try
    again" (its four hashing workers all taken) is tried again after a second."""
    for _ in range(LOGIN_TRIES):
        cookie, query = await asyncio.to_thread(_post_login, base, username, password)
        if cookie:
            return cookie
        if "login_busy" not in parse_qs(query):
            raise LoginRefused(f"{username}: the login was refused ({query})")
        await asyncio.sleep(1)
    raise LoginRefused(f"{username}: the server stayed busy for {LOGIN_TRIES} logins")


def _log_out_now(base: str, cookie: str) -> None:
    conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=60)
    try:
        conn.request("POST", "/auth/logout", headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})
        conn.getresponse().read()
    finally:
        conn.close()


async def log_out(base: str, cookie: str) -> None:
    """Ends the session as the sidebar's "Log out" does."""
    await asyncio.to_thread(_log_out_now, base, cookie)


@dataclass
class RunResult:
    """One script run as the client saw it: its time, its error (None when fine), and
    the menu it ended with (url path → page script hash; '' is the default page)."""

    seconds: float
    error: str | None
    menu: dict[str, str] = field(default_factory=dict)
    current: str = ""


def _check(msg: ForwardMsg, result: RunResult) -> None:
    """Notes an exception element, a page not found and the navigation of one message."""
    kind = msg.WhichOneof("type")
    if kind == "delta":
        element = msg.delta.new_element if msg.delta.WhichOneof("type") == "new_element" else None
        if element is not None and element.WhichOneof("type") == "exception":
            result.error = result.error or EXCEPTION
    elif kind == "page_not_found":
        result.error = result.error or NOT_FOUND
    elif kind == "navigation":
        # A session's first run also sends the pages/ folder's list before the app's own
        # st.navigation: the last navigation of the run is the menu shown.
        result.menu = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
        result.current = msg.navigation.page_script_hash


class AppConnection:
    """One websocket session of the app, logged in with `cookie`."""

    def __init__(self, base: str, cookie: str) -> None:
        self.base = base
        self.cookie = cookie
        self._ws: ClientConnection | None = None

    async def open(self) -> None:
        """Opens the websocket (the browser's tab), the cookie in its handshake."""
        url = "ws" + self.base.removeprefix("http") + "/_stcore/stream"
        self._ws = await connect(
            url,
            subprotocols=[Subprotocol("streamlit")],
            additional_headers={"Cookie": f"{SESSION_COOKIE}={self.cookie}"},
            max_size=None,
            open_timeout=VIEW_TIMEOUT_S,
            # Browsers send no websocket pings: a stalled server must not drop the tab.
            ping_interval=None,
        )

    async def close(self) -> None:
        """Closes the websocket (the tab)."""
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    def _rerun(self, page_hash: str, url_path: str) -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        state.page_script_hash = page_hash
        state.widget_states.SetInParent()
        state.context_info.timezone = TIMEZONE
        state.context_info.locale = LOCALE
        state.context_info.url = f"{self.base}/{url_path}"
        return bytes(msg.SerializeToString())

    async def run(self, page_hash: str = "", url_path: str = "") -> RunResult:
        """Opens a page (no hash: the app's landing page, as a new tab does) and waits for
        the end of its run. A dropped connection or a run without an end within
        VIEW_TIMEOUT_S is an error; the connection is then closed."""
        assert self._ws is not None, "open() first"
        started = time.perf_counter()
        result = RunResult(0.0, None)
        try:
            await self._ws.send(self._rerun(page_hash, url_path))
            async with asyncio.timeout(VIEW_TIMEOUT_S):
                while True:
                    msg = ForwardMsg()
                    msg.ParseFromString(await self._ws.recv())
                    _check(msg, result)
                    if msg.WhichOneof("type") != "script_finished":
                        continue
                    status = msg.script_finished
                    if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        result.error = result.error or COMPILE_ERROR
                        break
                    if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                        break
                    # Ended early for a rerun (st.rerun), or a fragment's run: the page's
                    # run goes on.
        except ConnectionClosed:
            result.error = DROPPED
        except TimeoutError:
            result.error = TIMEOUT
        result.seconds = time.perf_counter() - started
        if result.error is None and not result.menu:
            result.error = NO_MENU  # st.navigation never ran: the start-up error page
        elif result.error is None and page_hash and result.current != page_hash:
            result.error = OTHER_PAGE
        if result.error in (DROPPED, TIMEOUT):
            await self.close()
        return result

    @property
    def is_open(self) -> bool:
        """Whether the websocket is open (a dropped or timed-out one is closed)."""
        return self._ws is not None
