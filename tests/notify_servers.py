"""Stand-ins for the outside world of the reminders: a real SMTP server (aiosmtpd) and a
group robot's webhook (a local HTTP server), each of which can be taken down and brought
back, and which record what they received."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from core.notify.config import NotifySettings


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 OK"


class MailServer:
    """An SMTP server on 127.0.0.1 without TLS; `stop()` and `start()` take it down and
    bring it back on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = _Inbox()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Message]:
        """Every message received, oldest first."""
        return self.inbox.messages

    def start(self) -> None:
        """Listens (again)."""
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stops listening: connections are refused."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class Robot:
    """A webhook at http://127.0.0.1:<port>/send?key=...: records each JSON body; `status`
    is what it answers (500: a broken robot), `stop()` makes it unreachable."""

    def __init__(self) -> None:
        self.port = free_port()
        self.posts: list[dict[str, Any]] = []
        self.status = 200
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """The robot's address, with its secret key."""
        return f"http://127.0.0.1:{self.port}/send?key=secret-robot-key"

    def start(self) -> None:
        """Listens (again)."""
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                if robot.status == 200:
                    robot.posts.append(body)
                answer = json.dumps({"errcode": 0 if robot.status == 200 else 1}).encode()
                self.send_response(robot.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stops listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@contextmanager
def mail_and_robot() -> Iterator[tuple[MailServer, Robot]]:
    """Both servers running; stopped at the end whatever happened."""
    mail, robot = MailServer(), Robot()
    mail.start()
    robot.start()
    try:
        yield mail, robot
    finally:
        mail.stop()
        robot.stop()


def notify_settings(mail: MailServer) -> NotifySettings:
    """Settings pointing at the local mail server, allowing webhooks to 127.0.0.1."""
    return NotifySettings(
        base_url="https://fieldbook.example.org",
        smtp_host="127.0.0.1",
        smtp_port=mail.port,
        smtp_tls="none",
        smtp_user=None,
        smtp_password=None,
        mail_from="fieldbook@example.org",
        webhook_hosts=frozenset({"127.0.0.1"}),
    )
