"""The daily digests on both backends, against a real SMTP server and a local robot:
each person gets their role's digest on each channel they set, once; a down server is
retried with back-off and again by the next run, without stopping the others; contacts
are checked and audited without the robot's key. The data is the training register's
portfolio, with an account per role (officer OF1, team leader TL1, trainer TR1, admin)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.admin.active_config import active_rules_and_template
from core.auth.users import add_user
from core.db.engine import write_transaction
from core.localtime import local_today
from core.notify.contacts import set_contact
from core.notify.remind import Outcome, run_reminders, send_test
from core.paths import CONFIG_DIR
from core.validation import ValidationFailed
from tests.builders import write_folder
from tests.db.helpers import do_import
from tests.db.test_training_register import register_portfolio
from tests.notify_servers import MailServer, Robot, mail_and_robot, notify_settings

TODAY = local_today()
PEOPLE = (
    ("officer", "张伟", "officer", "OF1", "zh"),
    ("leader", "Li Na", "team_leader", "TL1", "en"),
    ("trainer", "王芳", "trainer", "TR1", "zh"),
    ("admin", "Admin", "admin", None, "en"),
)


@pytest.fixture
def servers() -> Iterator[tuple[MailServer, Robot]]:
    with mail_and_robot() as both:
        yield both


@pytest.fixture
def people(engine: Engine, tmp_path: Path, servers: tuple[MailServer, Robot]) -> Engine:
    """The portfolio imported, the four accounts, and their contacts: the officer and the
    trainer by e-mail, the leader by both, the admin by the robot."""
    assert do_import(engine, write_folder(tmp_path / "in", register_portfolio())).ok
    _, robot = servers
    with write_transaction(engine) as conn:
        for username, name, role, staff, language in PEOPLE:
            add_user(
                conn, username, name, role, staff, "Passw0rd!long", actor="test", language=language
            )
        hosts = frozenset({"127.0.0.1"})
        set_contact(conn, "officer", actor="test", allowed_hosts=hosts, email="of1@example.org")
        set_contact(conn, "trainer", actor="test", allowed_hosts=hosts, email="tr1@example.org")
        set_contact(
            conn, "leader", actor="test", allowed_hosts=hosts, email="tl1@example.org",
            webhook_url=robot.url,
        )  # fmt: skip
        set_contact(conn, "admin", actor="test", allowed_hosts=hosts, webhook_url=robot.url)
    return engine


def remind(engine: Engine, mail: MailServer, waits: list[float] | None = None) -> list[Outcome]:
    rules, template = active_rules_and_template(engine, CONFIG_DIR)
    return run_reminders(
        engine,
        TODAY,
        notify_settings(mail),
        rules,
        template.due_days,
        sleep=(waits if waits is not None else []).append,
    )


def states(outcomes: list[Outcome]) -> list[tuple[str, str, str]]:
    return sorted((o.username, o.channel, o.state) for o in outcomes)


def body(message: object) -> str:
    return str(message.get_content())  # type: ignore[attr-defined]


def test_each_person_gets_their_digest_once(
    people: Engine, servers: tuple[MailServer, Robot]
) -> None:
    mail, robot = servers
    assert states(remind(people, mail)) == [
        ("admin", "webhook", "sent"),
        ("leader", "email", "sent"),
        ("leader", "webhook", "sent"),
        ("officer", "email", "sent"),
        ("trainer", "email", "sent"),
    ]
    by_to = {m["To"]: m for m in mail.messages}
    assert sorted(by_to) == ["of1@example.org", "tl1@example.org", "tr1@example.org"]
    officer = body(by_to["of1@example.org"])
    assert by_to["of1@example.org"]["Subject"].startswith("信贷员工作台 · ")
    assert "今日计划：" in officer and "赵一（B1）" in officer  # their borrower, named
    assert "https://fieldbook.example.org/" in officer
    leader = body(by_to["tl1@example.org"])
    assert "Goals breached this quarter so far:" in leader and "张伟 (OF1)" in leader
    assert "今日计划" not in leader
    trainer = body(by_to["tr1@example.org"])
    assert "本网点进行中的培训班：0个" in trainer
    markdowns = [post["markdown"]["content"] for post in robot.posts]
    assert len(markdowns) == 2
    admin = next(m for m in markdowns if "Imports" in m)
    assert "Last import:" in admin and "(0 days ago)" in admin
    # No full phone or ID number anywhere.
    for text_ in [officer, leader, trainer, *markdowns]:
        assert not re.search(r"\d{11}", text_)
    # Twice: nothing is sent again.
    assert {o.state for o in remind(people, mail)} == {"already"}
    assert len(mail.messages) == 3 and len(robot.posts) == 2
    with people.connect() as conn:
        sent = conn.execute(
            text("SELECT COUNT(*) FROM audit_log WHERE action = 'digest.sent'")
        ).scalar()
    assert sent == 5


def test_servers_down_are_retried_and_do_not_stop_the_others(
    people: Engine, servers: tuple[MailServer, Robot]
) -> None:
    mail, robot = servers
    robot.status = 500  # the robot answers with an error
    waits: list[float] = []
    first = remind(people, mail, waits)
    assert states(first) == [
        ("admin", "webhook", "failed"),
        ("leader", "email", "sent"),
        ("leader", "webhook", "failed"),
        ("officer", "email", "sent"),
        ("trainer", "email", "sent"),
    ]
    assert {o.error for o in first if o.state == "failed"} == {"webhook answered HTTP 500"}
    assert waits == [1.0, 2.0, 1.0, 2.0]  # three tries each, backing off
    # The robot works again and the mail server is down: the next run sends the robot's
    # two and retries nothing already sent.
    robot.status = 200
    mail.stop()
    assert states(remind(people, mail)) == [
        ("admin", "webhook", "sent"),
        ("leader", "email", "already"),
        ("leader", "webhook", "sent"),
        ("officer", "email", "already"),
        ("trainer", "email", "already"),
    ]
    assert len(robot.posts) == 2 and len(mail.messages) == 3
    with people.connect() as conn:
        rows = conn.execute(
            text("""SELECT u.username, d.channel, d.state, d.attempts FROM digest_deliveries d
                    JOIN users u ON u.id = d.user_id ORDER BY 1, 2""")
        ).all()
        failed = (
            conn.execute(
                text("SELECT after FROM audit_log WHERE action = 'digest.failed' ORDER BY id")
            )
            .scalars()
            .all()
        )
    assert [tuple(r) for r in rows] == [
        ("admin", "webhook", "sent", 4),
        ("leader", "email", "sent", 1),
        ("leader", "webhook", "sent", 4),
        ("officer", "email", "sent", 1),
        ("trainer", "email", "sent", 1),
    ]
    assert len(failed) == 2 and "secret-robot-key" not in " ".join(failed)


def test_a_mail_server_down_then_back(people: Engine, servers: tuple[MailServer, Robot]) -> None:
    mail, _ = servers
    mail.stop()
    outcomes = remind(people, mail)
    failed = [o for o in outcomes if o.state == "failed"]
    assert sorted(o.username for o in failed) == ["leader", "officer", "trainer"]
    assert all("Connection refused" in (o.error or "") for o in failed)
    mail.start()
    again = remind(people, mail)
    assert sorted((o.username, o.state) for o in again if o.channel == "email") == [
        ("leader", "sent"),
        ("officer", "sent"),
        ("trainer", "sent"),
    ]
    assert len(mail.messages) == 3


def test_a_dry_run_sends_and_records_nothing(
    people: Engine, servers: tuple[MailServer, Robot]
) -> None:
    mail, robot = servers
    rules, template = active_rules_and_template(people, CONFIG_DIR)
    outcomes = run_reminders(
        people, TODAY, notify_settings(mail), rules, template.due_days, dry_run=True
    )
    assert {o.state for o in outcomes} == {"dry_run"} and len(outcomes) == 5
    assert mail.messages == [] and robot.posts == []
    with people.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM digest_deliveries")).scalar() == 0


def test_turned_off_nobody_gets_it(people: Engine, servers: tuple[MailServer, Robot]) -> None:
    mail, _ = servers
    with write_transaction(people) as conn:
        set_contact(conn, "officer", actor="officer", allowed_hosts=frozenset(), digest=False)
    assert "officer" not in {o.username for o in remind(people, mail)}


def test_contacts_are_checked_and_audited_without_the_robots_key(
    people: Engine, servers: tuple[MailServer, Robot]
) -> None:
    _, robot = servers
    hosts = frozenset({"qyapi.weixin.qq.com"})
    with write_transaction(people) as conn, pytest.raises(ValidationFailed) as refused:
        set_contact(
            conn, "officer", actor="officer", allowed_hosts=hosts, email="not an address",
            webhook_url="http://10.0.0.5/hook",
        )  # fmt: skip
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("email", "bad_email"),
        ("webhook", "host_not_allowed"),
    ]
    for bad in ("ftp://qyapi.weixin.qq.com/x", "https://user:pw@qyapi.weixin.qq.com/x"):
        with write_transaction(people) as conn, pytest.raises(ValidationFailed):
            set_contact(conn, "officer", actor="officer", allowed_hosts=hosts, webhook_url=bad)
    with people.connect() as conn:
        entries = (
            conn.execute(
                text("SELECT after FROM audit_log WHERE action = 'user.contact' ORDER BY id")
            )
            .scalars()
            .all()
        )
    leader = [json.loads(e) for e in entries if "tl1@" in e]
    assert leader == [{"email": "tl1@example.org", "webhook": "127.0.0.1", "digest": True}]
    assert not any(robot.url in e or "secret-robot-key" in e for e in entries)


def test_a_test_message_reaches_each_address(
    people: Engine, servers: tuple[MailServer, Robot]
) -> None:
    mail, robot = servers
    outcomes = send_test(people, notify_settings(mail), "leader", actor="leader")
    assert states(outcomes) == [("leader", "email", "sent"), ("leader", "webhook", "sent")]
    assert mail.messages[0]["Subject"] == "Fieldbook · test message for Li Na"
    assert "This address receives your daily digest." in robot.posts[0]["markdown"]["content"]
    assert dt.date.today() - TODAY < dt.timedelta(days=2)
