"""My settings (the daily digest's contacts), the admin's Users page doing the same for
someone else, and the admin's home listing today's undelivered digests (AppTest)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from core.auth.users import add_user
from core.db.engine import write_transaction
from core.localtime import local_today
from tests.app.conftest import open_page, texts
from tests.notify_servers import MailServer, Robot, mail_and_robot

PAGE = "pages/my_settings.py"


@pytest.fixture
def accounts(loaded_db: str) -> str:
    engine = create_engine(loaded_db)
    with write_transaction(engine) as conn:
        add_user(conn, "officer", "Test officer", "officer", "OF1", "Passw0rd!long", actor="t")
        add_user(conn, "admin", "Test admin", "admin", None, "Passw0rd!long", actor="t")
    engine.dispose()
    return loaded_db


@pytest.fixture
def servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[MailServer, Robot]]:
    with mail_and_robot() as (mail, robot):
        for name, value in {
            "FIELDBOOK_SMTP_HOST": "127.0.0.1",
            "FIELDBOOK_SMTP_PORT": str(mail.port),
            "FIELDBOOK_SMTP_TLS": "none",
            "FIELDBOOK_MAIL_FROM": "fieldbook@example.org",
            "FIELDBOOK_WEBHOOK_HOSTS": "127.0.0.1",
        }.items():
            monkeypatch.setenv(name, value)
        yield mail, robot


def stored(url: str) -> list[tuple[str, object, object, object]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("""SELECT u.username, c.email, c.webhook_url, c.digest FROM user_contacts c
                    JOIN users u ON u.id = c.user_id ORDER BY 1""")
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_an_officer_sets_an_address_and_gets_a_test_message(
    accounts: str, servers: tuple[MailServer, Robot], log_in_as
) -> None:
    mail, robot = servers
    log_in_as("officer")
    at = open_page(PAGE)
    assert at.title[0].value == "My settings"
    assert "the day's plan" in texts(at)
    at.text_input(key="mine_contact_email").input("of1@example.org")
    at.text_input(key="mine_contact_webhook").input(robot.url)
    at = at.button(key="mine_contact_save").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Saved."]
    assert stored(accounts) == [("officer", "of1@example.org", robot.url, True)]
    # The robot's address (its key) is never shown again: only its host.
    assert at.text_input(key="mine_contact_webhook").value == ""
    assert "127.0.0.1" in at.text_input(key="mine_contact_webhook").placeholder
    at = at.button(key="mine_contact_test").click().run()
    assert [s.value for s in at.success] == [
        "The test message went out by e-mail.",
        "The test message went out by group robot.",
    ]
    assert len(mail.messages) == 1 and len(robot.posts) == 1


def test_a_robot_elsewhere_is_refused_and_the_typing_kept(
    accounts: str, servers: tuple[MailServer, Robot], log_in_as
) -> None:
    log_in_as("officer")
    at = open_page(PAGE, "zh")
    assert at.title[0].value == "我的设置"
    at.text_input(key="mine_contact_email").input("of1@example.org")
    at.text_input(key="mine_contact_webhook").input("http://192.168.1.5/hook")
    at = at.button(key="mine_contact_save").click().run()
    assert ":red[本服务器只向127\\.0\\.0\\.1上的机器人发送消息。]" in texts(at)
    assert at.text_input(key="mine_contact_email").value == "of1@example.org"
    assert stored(accounts) == []
    at.toggle(key="mine_contact_digest").set_value(False)
    at.text_input(key="mine_contact_webhook").input("")
    at = at.button(key="mine_contact_save").click().run()
    assert stored(accounts) == [("officer", "of1@example.org", None, False)]


def test_an_admin_sets_someones_contacts_and_sees_failed_digests(
    accounts: str, servers: tuple[MailServer, Robot], log_in_as
) -> None:
    log_in_as("admin")
    at = open_page("pages/admin_users.py")
    at.selectbox(key="au_pick").set_value("officer").run()
    at.selectbox(key="au_action__en").set_value("contact").run()
    at.text_input(key="admin_contact_email").input("of1@example.org")
    at = at.button(key="admin_contact_save").click().run()
    assert not at.exception
    assert stored(accounts) == [("officer", "of1@example.org", None, True)]
    engine = create_engine(accounts)
    with write_transaction(engine) as conn:
        conn.execute(
            text("""INSERT INTO digest_deliveries
                    (user_id, day, channel, state, attempts, last_error, updated_at)
                    SELECT id, :day, 'email', 'failed', 3, 'mail server down', :now
                    FROM users WHERE username = 'officer'"""),
            {"day": local_today(), "now": dt.datetime.now(dt.UTC)},
        )
    engine.dispose()
    home = open_page("pages/home.py")
    warning = [w.value for w in home.warning if "could not be delivered" in w.value]
    assert warning and "officer, e-mail: mail server down" in warning[0]
