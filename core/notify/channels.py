"""Sending one message: by e-mail (SMTP, with STARTTLS or SSL) or to a group robot's
webhook (a JSON POST with Markdown text, as WeChat Work and DingTalk take it).

Both give up after TIMEOUT_SECONDS and raise DeliveryError with a short reason that
holds no password. A webhook is posted only to an allowed host (core.notify.config) and
never follows a redirect, which could lead anywhere.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from core.notify.config import NotifySettings, webhook_problem

TIMEOUT_SECONDS = 10
# DingTalk's robots take {"msgtype": "markdown", "markdown": {"title", "text"}}; WeChat
# Work's {"msgtype": "markdown", "markdown": {"content"}}. Any other allowed host gets
# both the content and the text.
_DINGTALK = "dingtalk"


class DeliveryError(Exception):
    """A message could not be delivered; the message says why, briefly."""


def send_email(settings: NotifySettings, to: str, subject: str, body: str) -> None:
    """Sends a plain-text e-mail through the configured mail server."""
    if settings.smtp_host is None or settings.mail_from is None:
        raise DeliveryError("no mail server is configured (FIELDBOOK_SMTP_HOST)")
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.mail_from.split("@")[-1])
    message.set_content(body)
    try:
        if settings.smtp_tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host,
                settings.smtp_port,
                timeout=TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
        with client:
            if settings.smtp_tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(
            f"mail server {settings.smtp_host}:{settings.smtp_port}: {_short(error)}"
        ) from error


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def webhook_payload(url: str, title: str, markdown: str) -> dict[str, object]:
    """The JSON a robot at `url` takes for a Markdown message."""
    host = (urlsplit(url).hostname or "").lower()
    if _DINGTALK in host:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}
    if host.endswith("weixin.qq.com"):
        return {"msgtype": "markdown", "markdown": {"content": markdown}}
    return {
        "msgtype": "markdown",
        "markdown": {"title": title, "content": markdown, "text": markdown},
    }


def post_webhook(settings: NotifySettings, url: str, title: str, markdown: str) -> None:
    """Posts a Markdown message to a group robot; DeliveryError unless it answers 2xx
    (and, for WeChat Work and DingTalk, errcode 0)."""
    problem = webhook_problem(url, settings.webhook_hosts)
    if problem is not None:
        raise DeliveryError(f"webhook address refused ({problem})")
    body = json.dumps(webhook_payload(url, title, markdown), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url.strip(),
        data=body,
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
            answer = response.read(4096)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"webhook answered HTTP {error.code}") from error
    except (OSError, ValueError) as error:
        raise DeliveryError(f"webhook: {_short(error)}") from error
    if not 200 <= status < 300:
        raise DeliveryError(f"webhook answered HTTP {status}")
    try:
        code = json.loads(answer or b"{}").get("errcode", 0)
    except (ValueError, AttributeError):
        code = 0
    if code not in (0, None):
        raise DeliveryError(f"webhook refused the message (errcode {code})")


def _short(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 200 else text[:199] + "…"
