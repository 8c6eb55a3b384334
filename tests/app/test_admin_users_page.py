"""The users page (admins only): add, disable, reset a password, change a role, with
refusals shown next to the fields and the typed values kept."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.i18n import load_catalog
from core.auth.directory import list_accounts
from core.auth.login import current_user, log_in
from core.auth.roles import ROLE_CODES
from core.db.audit import load_audit
from core.db.engine import make_engine
from core.db.models import User
from core.settings import load_settings
from tests.app.conftest import open_page, restored, start_app
from tests.db.helpers import PASSWORD, add_account

PAGE = "pages/admin_users.py"


@pytest.fixture
def accounts(loaded_db: str, log_in_as) -> str:
    """The base portfolio with the accounts `admin` (the person logged in) and `wang`."""
    engine = make_engine(database_url=loaded_db)
    add_account(engine, "admin", "admin", None)
    add_account(engine, "wang", "officer", "OF1")
    engine.dispose()
    log_in_as("admin")
    return loaded_db


def stored(url: str) -> dict[str, tuple[str, str | None, bool, bool]]:
    engine = make_engine(database_url=url)
    with engine.connect() as conn:
        found = {
            a.user.username: (
                a.user.role,
                a.user.staff_code,
                a.user.active,
                a.user.must_change_password,
            )
            for a in list_accounts(conn)
        }
        hashes = conn.execute(select(User.password_hash)).scalars().all()
    engine.dispose()
    assert all(h.startswith("$argon2id$") for h in hashes)
    return found


def last_audit(url: str) -> tuple[str, str, str]:
    engine = make_engine(database_url=url)
    with engine.connect() as conn:
        entry = load_audit(conn, limit=1)[0]
    engine.dispose()
    return entry.actor, entry.action, entry.entity_key


def press(at, label: str):
    return next(b for b in at.button if b.label == label).click().run()


def reds(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(":red[")]


@pytest.mark.parametrize("role", ["officer", "team_leader", "trainer"])
def test_only_admins_have_the_page(loaded_db: str, log_in_as, role: str) -> None:
    log_in_as(role)
    with pytest.raises(ValueError):
        start_app().switch_page(PAGE).run()


def test_the_table_lists_accounts_without_password_material(accounts: str) -> None:
    at = open_page(PAGE)
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["Username"]) == ["admin", "wang"]
    assert list(frame["Role"]) == ["Administrator", "Officer"]
    assert list(frame["Staff code"]) == ["", "OF1"]
    assert list(frame["Must change password"]) == ["yes", "yes"]
    assert not any("argon2" in str(v) for v in frame.to_numpy().ravel())


def test_last_logins_read_in_local_time(accounts: str) -> None:
    engine = make_engine(database_url=accounts)
    # 23:30 UTC on 30 June is 07:30 on 1 July in Shanghai.
    at_night = dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC)
    assert log_in(engine, "wang", PASSWORD, load_settings(), now=at_night).token
    engine.dispose()
    at = start_app("zh").switch_page(PAGE).run()
    frame = at.dataframe[0].value
    assert frame[["用户名", "姓名", "最近登录"]].values.tolist() == [
        ["admin", "Admin", ""],
        ["wang", "Wang", "2025年7月1日 07:30"],
    ]
    assert at.caption[0].value == "时间按中国标准时间显示。"


def test_the_roles_offered_are_the_roles_of_core_auth_roles(accounts: str) -> None:
    at = open_page(PAGE)
    english = load_catalog("en")
    offered = at.selectbox(key="au_add_role__en").options
    assert offered == [english[f"role.{code}"] for code in ROLE_CODES]
    assert offered == ["Officer", "Team leader", "Trainer", "Administrator"]


def test_add_a_user_with_a_generated_password_shown_once(accounts: str) -> None:
    at = open_page(PAGE)
    # OF1 has an account already: only OF2 is offered to a new officer.
    assert at.selectbox(key="au_add_staff_officer").options == ["OF2"]
    at.text_input(key="au_add_username").input("Zhang")
    at.text_input(key="au_add_name").input("张伟")
    at = press(at, "Add the user")
    assert not at.exception
    assert [s.value for s in at.success] == ["The account zhang was added."]
    (shown,) = at.code
    assert len(shown.value) == 12
    assert stored(accounts)["zhang"] == ("officer", "OF2", True, True)
    assert last_audit(accounts) == ("admin", "user.add", "zhang")
    at = at.run()  # shown once only
    assert not at.code


def test_a_refused_add_shows_the_errors_and_keeps_what_was_typed(accounts: str) -> None:
    at = open_page(PAGE)
    at.text_input(key="au_add_username").input("wang")
    at.text_input(key="au_add_name").input("Wang Two")
    at.text_input(key="au_add_password").input("short")
    at = press(at, "Add the user")
    assert reds(at) == [":red[The username wang is taken\\.]"]
    assert at.text_input(key="au_add_name").value == "Wang Two"
    at.text_input(key="au_add_username").input("wang2")
    at = press(at, "Add the user")
    assert reds(at) == [":red[A password needs at least 8 characters\\.]"]
    assert set(stored(accounts)) == {"admin", "wang"}
    assert not at.code


def test_disable_and_enable_an_account_but_not_ones_own(accounts: str) -> None:
    at = open_page(PAGE)
    at.selectbox(key="au_pick").set_value("wang")
    at = press(at.run(), "Disable the account")
    assert [s.value for s in at.success] == [
        "The account wang was disabled; its open sessions ended."
    ]
    assert stored(accounts)["wang"][2] is False
    assert last_audit(accounts) == ("admin", "user.disable", "wang")
    at = press(at, "Enable the account")
    assert stored(accounts)["wang"][2] is True

    at.selectbox(key="au_pick").set_value("admin")
    at = press(at.run(), "Disable the account")
    assert reds(at) == [":red[You cannot disable your own account; ask another administrator\\.]"]
    assert stored(accounts)["admin"][2] is True


def test_reset_a_password(accounts: str) -> None:
    engine = make_engine(database_url=accounts)
    with engine.connect() as conn:
        old = conn.execute(select(User.password_hash).where(User.username == "wang")).scalar()
    at = open_page(PAGE)
    at.selectbox(key="au_pick").set_value("wang")
    at.selectbox(key="au_action__en").set_value("reset")
    at = at.run()
    at.text_input(key="au_reset_password_wang").input("   ")
    at = press(at, "Reset the password")
    assert reds(at) == [":red[A password needs at least 8 characters\\.]"]
    at.text_input(key="au_reset_password_wang").input("a-new-password")
    at = press(at, "Reset the password")
    assert not reds(at) and not at.code  # typed, so nothing to show
    with engine.connect() as conn:
        new = conn.execute(select(User.password_hash).where(User.username == "wang")).scalar()
    engine.dispose()
    assert new != old and stored(accounts)["wang"][3] is True
    assert last_audit(accounts) == ("admin", "user.reset_password", "wang")


def test_set_role_and_staff_link_and_no_self_demotion(accounts: str) -> None:
    at = open_page(PAGE)
    at.selectbox(key="au_pick").set_value("wang")
    at.selectbox(key="au_action__en").set_value("role")
    at = at.run()
    at.selectbox(key="au_role_wang__en").set_value("trainer")
    at = at.run()
    assert at.selectbox(key="au_role_staff_wang_trainer").options == ["TR1"]
    engine = make_engine(database_url=accounts)
    token = log_in(engine, "wang", PASSWORD, load_settings()).token  # wang is logged in
    assert current_user(engine, token, load_settings()) is not None
    at = press(at, "Save role and staff link")
    assert [s.value for s in at.success] == [
        "wang is now Trainer. A changed role or staff link ends the account's open sessions."
    ]
    assert stored(accounts)["wang"][:2] == ("trainer", "TR1")
    assert current_user(engine, token, load_settings()) is None  # and must log in again
    engine.dispose()
    assert last_audit(accounts) == ("admin", "user.set_role", "wang")

    at.selectbox(key="au_pick").set_value("admin")
    at = at.run()
    at.selectbox(key="au_role_admin__en").set_value("officer")
    at = press(at.run(), "Save role and staff link")
    assert reds(at) == [
        ":red[You cannot take away your own administrator role; ask another administrator\\.]"
    ]
    assert stored(accounts)["admin"][0] == "admin"


def admin_draft(url: str):
    from core.drafts import load_draft

    engine = make_engine(database_url=url)
    try:
        return load_draft(engine, "admin", "au_add")
    finally:
        engine.dispose()


def test_a_new_account_typed_and_left_comes_back_without_its_password(accounts: str) -> None:
    at = open_page(PAGE)
    assert admin_draft(accounts) is None  # opening the form types nothing
    at.selectbox(key="au_add_role__en").set_value("team_leader").run()
    at.text_input(key="au_add_username").input("li")
    at.text_input(key="au_add_name").input("李强")
    at.selectbox(key="au_add_language__en").set_value("en")
    at.text_input(key="au_add_password").input("secret-pass-1")
    at.run()
    at.switch_page("pages/home.py").run()
    at.switch_page(PAGE).run()
    assert at.selectbox(key="au_add_role__en").value == "team_leader"
    assert at.text_input(key="au_add_username").value == "li"
    assert at.text_input(key="au_add_name").value == "李强"
    assert at.selectbox(key="au_add_language__en").value == "en"
    assert at.text_input(key="au_add_password").value == ""  # never kept
    assert restored(at)
    draft = admin_draft(accounts)
    assert draft is not None and "secret-pass-1" not in str(draft.values)
    at = open_page(PAGE)  # a refresh
    assert at.text_input(key="au_add_name").value == "李强"
    at.text_input(key="au_add_password").input("secret-pass-1")
    at = press(at, "Add the user")
    assert [s.value for s in at.success] == ["The account li was added."]
    assert stored(accounts)["li"] == ("team_leader", "TL1", True, True)
    assert admin_draft(accounts) is None
    assert at.text_input(key="au_add_username").value == ""
    assert at.text_input(key="au_add_password").value == ""
    assert at.selectbox(key="au_add_role__en").value == "officer"
    assert not restored(at)


def test_discarding_the_new_account_draft_empties_the_form(accounts: str) -> None:
    at = open_page(PAGE)
    at.text_input(key="au_add_username").input("li")
    at.run()
    at = open_page(PAGE)
    assert at.text_input(key="au_add_username").value == "li"
    at.button(key="draft_discard_au_add").click().run()
    assert not at.exception
    assert at.text_input(key="au_add_username").value == ""
    assert admin_draft(accounts) is None
