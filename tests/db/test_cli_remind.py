"""`python -m core users set-contact` and `python -m core remind` as the command line runs
them (in-process through core.cli.main.main), against the local mail server and robot."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from core.cli.main import main
from tests.db.test_reminders import people  # noqa: F401  (the fixture)
from tests.notify_servers import MailServer, Robot, mail_and_robot


@pytest.fixture
def servers() -> Iterator[tuple[MailServer, Robot]]:
    with mail_and_robot() as both:
        yield both


@pytest.fixture
def env(
    people: Engine,  # noqa: F811
    database_url: str,
    servers: tuple[MailServer, Robot],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[MailServer, Robot]:
    mail, _ = servers
    for name, value in {
        "DATABASE_URL": database_url,
        "FIELDBOOK_SMTP_HOST": "127.0.0.1",
        "FIELDBOOK_SMTP_PORT": str(mail.port),
        "FIELDBOOK_SMTP_TLS": "none",
        "FIELDBOOK_MAIL_FROM": "fieldbook@example.org",
        "FIELDBOOK_WEBHOOK_HOSTS": "127.0.0.1",
    }.items():
        monkeypatch.setenv(name, value)
    return servers


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_set_contact_then_remind_twice(
    env: tuple[MailServer, Robot], capsys: pytest.CaptureFixture[str]
) -> None:
    mail, robot = env
    assert run(
        capsys, "users", "set-contact", "officer", "--email", "", "--webhook", robot.url
    ) == (
        0,
        "'officer': daily digest on, to webhook on 127.0.0.1.\n",
        "",
    )
    assert run(capsys, "users", "set-contact", "trainer", "--digest", "off")[1] == (
        "'trainer': daily digest off, to e-mail tr1@example.org.\n"
    )
    refused = run(capsys, "users", "set-contact", "nobody", "--email", "x@example.org")
    assert refused == (1, "", "error: there is no account 'nobody'; nothing was changed.\n")
    status, out, _ = run(capsys, "remind", "--dry-run")
    assert status == 0 and out.rstrip().endswith(": 4 dry_run") and mail.messages == []
    status, out, _ = run(capsys, "remind")
    assert status == 0 and out.rstrip().endswith(": 4 sent")
    assert len(mail.messages) == 1 and len(robot.posts) == 3
    status, out, _ = run(capsys, "remind")
    assert status == 0 and out.rstrip().endswith(": 4 already")
    assert len(mail.messages) == 1 and len(robot.posts) == 3


def test_a_failed_delivery_exits_1(
    env: tuple[MailServer, Robot],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("core.notify.remind.BACKOFF_SECONDS", 0.0)  # no waiting here
    mail, _ = env
    mail.stop()
    status, out, _ = run(capsys, "remind")
    assert status == 1 and "failed" in out and "Connection refused" in out
