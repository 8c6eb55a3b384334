"""The daily digest of each demo account (the small demo cooperative, data ending today),
by e-mail to a real SMTP server and, for the officer, to a local robot too: each gets their
role's digest, in their language, and a second run sends nothing."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.admin.active_config import active_rules_and_template
from core.auth.demo_accounts import ensure_demo_accounts
from core.db.engine import make_engine, write_transaction
from core.demo import generate_demo
from core.localtime import local_today
from core.notify.contacts import set_contact
from core.notify.remind import run_reminders
from core.paths import CONFIG_DIR
from tests.builders import ACTIVITIES
from tests.db.helpers import do_import
from tests.notify_servers import MailServer, Robot, mail_and_robot, notify_settings

TODAY = local_today()


@pytest.fixture
def servers() -> Iterator[tuple[MailServer, Robot]]:
    with mail_and_robot() as both:
        yield both


@pytest.fixture
def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """SQLite only: the demo's import is the slow part, and the digests are the same SQL
    as tests/db/test_reminders.py runs on both backends."""
    path = tmp_path / "demo.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(database_url=f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def demo(sqlite_engine: Engine, tmp_path: Path, servers: tuple[MailServer, Robot]) -> Engine:
    generate_demo(tmp_path / "demo", scale="small", seed=3, end=TODAY, activities=ACTIVITIES)
    assert do_import(sqlite_engine, tmp_path / "demo").ok
    _, robot = servers
    with write_transaction(sqlite_engine) as conn:
        ensure_demo_accounts(conn, dt.datetime.now(dt.UTC))
        hosts = frozenset({"127.0.0.1"})
        for username in ("officer", "leader", "trainer", "admin"):
            set_contact(
                conn, username, actor="test", allowed_hosts=hosts, email=f"{username}@example.org"
            )
        set_contact(conn, "officer", actor="test", allowed_hosts=hosts, webhook_url=robot.url)
    return sqlite_engine


def test_each_demo_person_gets_their_digest_once(
    demo: Engine, servers: tuple[MailServer, Robot]
) -> None:
    mail, robot = servers
    rules, template = active_rules_and_template(demo, CONFIG_DIR)
    settings = notify_settings(mail)

    def remind() -> list[str]:
        outcomes = run_reminders(demo, TODAY, settings, rules, template.due_days, sleep=print)
        return sorted(f"{o.username}/{o.channel}/{o.state}" for o in outcomes)

    assert remind() == [
        "admin/email/sent",
        "leader/email/sent",
        "officer/email/sent",
        "officer/webhook/sent",
        "trainer/email/sent",
    ]
    mails = {
        m["To"].split("@")[0]: str(m.get_content())  # type: ignore[attr-defined]
        for m in mail.messages
    }
    # The demo accounts read Chinese.
    assert re.search(r"今日计划：\d+位借款人", mails["officer"])
    assert "本季度至今未达成的目标" in mails["leader"]
    assert "本网点进行中的培训班" in mails["trainer"]
    assert "上次导入：" in mails["admin"] and "（0天前）" in mails["admin"]
    assert "今日计划" in robot.posts[0]["markdown"]["content"]
    for text in [*mails.values(), robot.posts[0]["markdown"]["content"]]:
        assert not re.search(r"\d{11}|\d{17}[\dX]", text)  # no phone, no ID number
    assert {s.split("/")[-1] for s in remind()} == {"already"}
    assert len(mail.messages) == 4 and len(robot.posts) == 1
