"""The security headers' Content-Security-Policy (app.auth.headers) and the middleware."""

from __future__ import annotations

import re

from starlette.types import Message, Receive, Scope, Send

from app.auth.headers import SecurityHeaders, content_security_policy, script_hash
from core.paths import PROJECT_ROOT
from tests.async_run import run_coroutine

_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def test_every_inline_script_the_app_sends_is_allowed_by_its_hash() -> None:
    # A script missing from APP_SCRIPTS would silently not run under the policy.
    policy = content_security_policy("example.org")
    sources = [*(PROJECT_ROOT / "app").rglob("*.py"), *(PROJECT_ROOT / "pages").glob("*.py")]
    found = [
        body
        for path in sources
        if path.name != "headers.py"
        for body in _SCRIPT.findall(path.read_text(encoding="utf-8"))
    ]
    assert found  # app/phone.py's menu script at least
    for body in found:
        assert script_hash(body) in policy


def test_the_policy_allows_no_eval_and_no_other_site() -> None:
    policy = content_security_policy("fieldbook.example:8443")
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["connect-src"] == (
        "'self' ws://fieldbook.example:8443 wss://fieldbook.example:8443"
    )
    assert "'unsafe-eval'" not in directives["script-src"].split()
    assert "'unsafe-inline'" not in directives["script-src"].split()


def test_a_host_header_that_is_not_a_plain_host_stays_out_of_the_policy() -> None:
    for host in ("evil.example; script-src *", "a b", "", None):
        assert content_security_policy(host).count("connect-src 'self';") == 1


def _response_headers(path_headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    sent: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": path_headers})
        await send({"type": "http.response.body", "body": b""})

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request"}

    scope = {"type": "http", "headers": [(b"host", b"127.0.0.1:8501")]}
    run_coroutine(SecurityHeaders(app)(scope, receive, send))
    return {k.decode(): v.decode() for k, v in sent[0]["headers"]}


def test_the_middleware_adds_the_headers_and_keeps_a_response_s_own() -> None:
    headers = _response_headers([(b"x-frame-options", b"SAMEORIGIN")])
    assert headers["x-frame-options"] == "SAMEORIGIN"  # the response's own wins
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "ws://127.0.0.1:8501" in headers["content-security-policy"]
    assert _response_headers([])["x-frame-options"] == "DENY"
