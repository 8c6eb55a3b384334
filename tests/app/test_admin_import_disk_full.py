"""The import page when the disk fills up during the import: one message in the reader's
language that says so, nothing imported, and no SQL or row of data on the screen."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tests.app.conftest import app_database, open_page
from tests.app.test_admin_import_page import PAGE, check, db_snapshot, portfolio_files, upload
from tests.db.test_import_disk_full import disk_full_error, fail_after_writing

SAYS = {
    "en": "The disk is full: nothing was imported. Ask the IT person to free space on the "
    "server, then import again.",
    "zh": "服务器磁盘已满：没有导入任何数据。请信息技术人员清理出空间后，再重新导入。",
}


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """DATABASE_URL of an empty database behind the app."""
    return app_database(tmp_path, monkeypatch, lambda engine, folder: None)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_full_disk_during_the_import_is_said_in_the_readers_language(
    empty_db: str, log_in_as, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    log_in_as("admin")
    at = check(upload(open_page(PAGE, language), portfolio_files(tmp_path / "upload")))
    assert not at.exception and not at.error  # the dry run passed
    before = db_snapshot(empty_db)
    fail_after_writing(monkeypatch, disk_full_error("sqlite"))
    at = at.button(key="admin_import_run").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [SAYS[language]]
    assert not at.success
    assert db_snapshot(empty_db) == before
    shown = " ".join(str(getattr(node, "value", "")) for node in at.main)
    assert "INSERT" not in shown and "王芳" not in shown


def test_a_full_disk_for_the_uploads_folder_is_said_too(
    empty_db: str, log_in_as, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in_as("admin")
    at = upload(open_page(PAGE), portfolio_files(tmp_path / "upload"))

    def no_space(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", no_space)
    at = check(at)
    assert not at.exception
    assert [e.value for e in at.error] == [SAYS["en"]]
