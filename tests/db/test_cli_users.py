"""`python -m core users ...` and the demo accounts of `python -m core demo`.

Two subprocesses show the command as a person runs it (exit status, no traceback); the
other actions run through `core.cli.main.main` in-process, which parses and dispatches the same
way at a fraction of the cost.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.auth.users import get_user
from core.cli.main import main
from tests.db.helpers import PASSWORD
from tests.db.test_cli import run_core


def test_users_add_and_a_refusal_as_a_person_runs_them(staffed: Engine, database_url: str) -> None:
    add = f"users add Wang --name 王芳 --role officer --staff OF1 --password {PASSWORD}"
    done = run_core(*add.split(), database_url=database_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "Added 'wang' (王芳, officer, staff OF1); the password must be changed at the first login."
    )
    add = f"users add li --name 李强 --role team_leader --staff OF2 --password {PASSWORD}"
    refused = run_core(*add.split(), database_url=database_url)
    assert refused.returncode == 1
    assert refused.stderr == "error: OF2 is on the staff list as officer, not team_leader.\n"
    assert refused.stdout == ""


def _run(capsys: pytest.CaptureFixture[str], command: str) -> tuple[int, str, str]:
    status = main(command.split())
    out, err = capsys.readouterr()
    return status, out, err


def test_users_actions(
    staffed: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    typed = iter(["typed-password", "typed-password", "other-one", "other-two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    add_li = "users add li --name 李强 --role team_leader --staff TL1 --language en"
    assert _run(capsys, add_li)[0] == 0  # the password typed twice
    assert _run(capsys, "users add root --name Admin --role admin") == (
        1,
        "",
        "error: The two passwords differ; nothing was changed.\n",
    )
    assert _run(capsys, f"users add root --name Admin --role admin --password {PASSWORD}")[0] == 0
    assert _run(capsys, "users set-role root officer --staff OF2") == (
        0,
        "Changed 'root' (Admin, officer, staff OF2).\n",
        "",
    )
    assert _run(capsys, "users disable li")[0] == 0
    assert _run(capsys, "users reset-password root --password fresh-password")[0] == 0
    status, out, _ = _run(capsys, "users list")
    assert status == 0
    assert out.splitlines() == [
        "username  name   role         staff  active  must change",
        "--------  -----  -----------  -----  ------  -----------",
        "li        李强   team_leader  TL1    no      yes",
        "root      Admin  officer      OF2    yes     yes",
    ]
    assert _run(capsys, "users enable nobody") == (
        1,
        "",
        "error: There is no user called 'nobody'.\n",
    )
    with staffed.connect() as conn:
        li = get_user(conn, "li")
    assert (li.language, li.active) == ("en", False)


def test_demo_creates_the_four_accounts(tmp_path: Path) -> None:
    demo = f"demo --scale small --out {tmp_path / 'csv'} --end 2026-03-31".split()
    done = run_core(*demo, database_url=f"sqlite:///{tmp_path / 'demo.db'}")
    assert done.returncode == 0, done.stderr
    assert (
        "Demo accounts, each with the password demo1234: officer (OF0001), leader (TL001), "
        "trainer (TR001), admin (no staff link)"
    ) in done.stdout
