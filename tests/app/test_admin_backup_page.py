"""The backup page (admins only): a click makes a backup, offers it for download and
records it in the audit trail."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zoneinfo
from pathlib import Path

import pytest

from core.admin.backup import backup, check_backup_file, restore
from core.db.audit import load_audit
from core.db.engine import make_engine
from core.db.schema import head_revision
from tests.app.conftest import start_app

PAGE = "pages/admin_backup.py"


@pytest.mark.parametrize("role", ["officer", "team_leader", "trainer"])
def test_only_admins_have_the_page(loaded_db: str, log_in_as, role: str) -> None:
    log_in_as(role)
    with pytest.raises(ValueError):
        start_app().switch_page(PAGE).run()


def test_a_backup_is_made_offered_and_audited(loaded_db: str, log_in_as, tmp_path: Path) -> None:
    log_in_as("admin")
    at = start_app().switch_page(PAGE).run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "admin_backup_download"]
    at = at.button(key="admin_backup_make").click().run()
    assert not at.exception
    (done,) = at.success
    assert done.value.startswith("Backup fieldbook-") and ".db is ready (" in done.value
    assert at.button(key="admin_backup_download").label == "Download the backup"
    engine = make_engine(database_url=loaded_db)
    with engine.connect() as conn:
        entry = load_audit(conn, limit=1)[0]
        loans = conn.exec_driver_sql("SELECT COUNT(*) FROM loans").scalar()
    engine.dispose()
    assert (entry.actor, entry.action) == ("admin", "backup.make")
    assert entry.entity_key.startswith("fieldbook-") and entry.entity_key in done.value
    size = entry.after["bytes"] if entry.after else 0
    # The file is named in UTC (as the command line names it); the message says when in
    # the cooperative's time.
    made = dt.datetime.strptime(entry.entity_key, "fieldbook-%Y%m%d-%H%M%S.db")
    local = made.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
    when = f"{local.day} {local:%b %Y, %H:%M}"
    assert done.value == f"Backup {entry.entity_key} is ready (made {when}, {size:,} bytes)."
    # The bytes offered are a Fieldbook backup of this database: written out, it checks.
    data = at.session_state["admin_backup_made"][1]
    assert len(data) == size
    copy = tmp_path / "downloaded.db"
    copy.write_bytes(data)
    assert check_backup_file(copy) == head_revision()
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT COUNT(*) FROM loans").fetchone() == (loans,)
    db.close()


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "Every session ended then: everyone, you included, had to log in again."),
        ("zh", "当时所有登录会话均已结束，所有人（包括您自己）都需要重新登录。"),
    ],
)
def test_after_a_restore_the_page_says_everyone_had_to_log_in_again(
    loaded_db: str, log_in_as, tmp_path: Path, language: str, says: str
) -> None:
    log_in_as("admin")
    at = start_app(language).switch_page(PAGE).run()
    assert not at.exception and not at.info  # no restore yet: nothing to say
    restore(backup(loaded_db, tmp_path / "night.db"), loaded_db, actor="cli")
    at = start_app(language).switch_page(PAGE).run()
    assert not at.exception
    (notice,) = at.info
    start = "Last restore: night.db, " if language == "en" else "最近一次恢复：night.db，"
    assert notice.value.startswith(start) and notice.value.endswith(says)
