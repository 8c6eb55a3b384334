"""The reminders' settings (declared in core.settings.SETTINGS, read here): the mail
server, the sender, the hosts a webhook may point to and the app's address."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.settings import SETTINGS, SettingsError

TLS_MODES = ("none", "starttls", "ssl")
_DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
# An address as people type it: something@host.tld, no spaces, no second @.
EMAIL = re.compile(r"^[^@\s<>\"',;]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class NotifySettings:
    """Where digests go out from. `smtp_host` None: no e-mail can be sent."""

    base_url: str
    smtp_host: str | None
    smtp_port: int
    smtp_tls: str
    smtp_user: str | None
    smtp_password: str | None
    mail_from: str | None
    webhook_hosts: frozenset[str]

    @property
    def email_enabled(self) -> bool:
        """Whether a mail server is configured."""
        return self.smtp_host is not None


def load_notify_settings(environ: Mapping[str, str] | None = None) -> NotifySettings:
    """Reads and checks the reminders' settings; SettingsError names a bad one."""
    env = os.environ if environ is None else environ
    values = {s.env: (env.get(s.env) or s.default).strip() for s in SETTINGS}
    tls = values["FIELDBOOK_SMTP_TLS"].lower()
    if tls not in TLS_MODES:
        raise SettingsError(f"FIELDBOOK_SMTP_TLS must be none, starttls or ssl, not {tls!r}")
    port_text = values["FIELDBOOK_SMTP_PORT"]
    try:
        port = int(port_text) if port_text else _DEFAULT_PORTS[tls]
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise SettingsError(f"FIELDBOOK_SMTP_PORT must be a port number, not {port_text!r}")
    host = values["FIELDBOOK_SMTP_HOST"] or None
    sender = values["FIELDBOOK_MAIL_FROM"] or None
    if host is not None and (sender is None or not EMAIL.match(sender)):
        raise SettingsError(
            "FIELDBOOK_MAIL_FROM must be the sender's e-mail address when "
            f"FIELDBOOK_SMTP_HOST is set, not {sender or ''!r}"
        )
    base = values["FIELDBOOK_BASE_URL"].rstrip("/")
    if urlsplit(base).scheme not in ("http", "https"):
        raise SettingsError(f"FIELDBOOK_BASE_URL must be an http(s) address, not {base!r}")
    hosts = frozenset(
        h.strip().lower() for h in values["FIELDBOOK_WEBHOOK_HOSTS"].split(",") if h.strip()
    )
    return NotifySettings(
        base_url=base,
        smtp_host=host,
        smtp_port=port,
        smtp_tls=tls,
        smtp_user=values["FIELDBOOK_SMTP_USER"] or None,
        smtp_password=values["FIELDBOOK_SMTP_PASSWORD"] or None,
        mail_from=sender,
        webhook_hosts=hosts,
    )


def webhook_problem(url: str, hosts: frozenset[str]) -> str | None:
    """Why the server may not post to `url` (a code), or None: http(s) only, to one of
    the allowed hosts, with no login in the address."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return "bad_url"
    if parts.scheme not in ("http", "https") or not host:
        return "bad_url"
    if parts.username or parts.password:
        return "bad_url"
    if host not in hosts:
        return "host_not_allowed"
    return None
