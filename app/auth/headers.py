"""Security headers on every HTTP response of the app (serve.py adds this middleware).

The page may not be framed by any site (clickjacking), the browser may not guess content
types, the address of a page goes only to Fieldbook itself, and the Content-Security-Policy
lets a page load scripts, styles, fonts and images only from Fieldbook and talk only to
it. Streamlit's frontend needs inline styles (its components style themselves at run
time), one small inline script in its index.html (allowed by its hash, read from the
installed Streamlit so an upgrade keeps working) and WebAssembly ('wasm-unsafe-eval', which
allows compiling WebAssembly, not JavaScript's eval). The app's own inline scripts (st.html
with unsafe_allow_javascript) are allowed by their hashes too: APP_SCRIPTS lists them.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

import streamlit
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.downloads import START_DOWNLOAD
from app.phone import CLOSE_MENU

_INDEX_HTML = Path(streamlit.__file__).parent / "static" / "index.html"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# A Host header is the client's to write: only a plain host[:port] goes into the policy.
_PLAIN_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")

# Every <script> the app sends through st.html: a script missing here does not run.
APP_SCRIPTS = (CLOSE_MENU, START_DOWNLOAD)

FIXED_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def script_hash(body: str) -> str:
    """The CSP source that allows an inline script whose text is `body`."""
    digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"


@cache
def _inline_script_hashes() -> tuple[str, ...]:
    page = _INDEX_HTML.read_text(encoding="utf-8") if _INDEX_HTML.exists() else ""
    scripts = [*_INLINE_SCRIPT.findall(page)]
    for html in APP_SCRIPTS:
        scripts += _INLINE_SCRIPT.findall(html)
    return tuple(dict.fromkeys(script_hash(body) for body in scripts))


def content_security_policy(host: str | None) -> str:
    """The policy for a response to a request for `host` (its Host header): the app's
    websocket is allowed by name as well as by 'self', for browsers that do not count
    ws:/wss: as 'self' yet."""
    sockets = f" ws://{host} wss://{host}" if host and _PLAIN_HOST.match(host) else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval' " + " ".join(_inline_script_hashes()),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'" + sockets,
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """ASGI middleware adding FIXED_HEADERS and the Content-Security-Policy to every HTTP
    response (a header the response already has is left as it is); websockets pass."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Passes the request on, adding the headers as the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), None)
        extra = {**FIXED_HEADERS, "Content-Security-Policy": content_security_policy(host)}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.decode("latin-1").lower() for k, _ in headers}
                headers += [
                    (name.lower().encode("latin-1"), value.encode("latin-1"))
                    for name, value in extra.items()
                    if name.lower() not in present
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
