"""core/auth/roles.py, the one list of roles, agrees with the pages on disk, the scopes,
the catalogues, the database and the importer."""

from __future__ import annotations

import yaml

from core.auth.roles import (
    ALL,
    CHANGE_PASSWORD,
    LOGIN,
    ROLE_CODES,
    ROLES,
    SCOPE_KINDS,
    UNKNOWN_ROLE_PAGES,
    catalogue_keys,
    role_list_text,
)
from core.auth.scope import Scope
from core.auth.users import STAFF_LINKED_ROLES
from core.db.models import STAFF_ROLES, USER_ROLES
from core.importer.spec import TABLE_SPECS
from core.paths import CONFIG_DIR, PROJECT_ROOT

EVERY_PAGE = {LOGIN, CHANGE_PASSWORD, *UNKNOWN_ROLE_PAGES, *(p for r in ROLES for p in r.pages)}


def test_every_listed_page_is_a_script_of_the_pages_folder_and_every_script_is_listed() -> None:
    listed = {page.path for page in EVERY_PAGE}
    on_disk = {str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / "pages").glob("*.py")}
    assert sorted(listed - on_disk) == []
    assert sorted(on_disk - listed) == []


def test_the_roles_are_the_four_of_the_cooperative_with_distinct_codes() -> None:
    assert ROLE_CODES == ("officer", "team_leader", "trainer", "admin")
    assert len({role.code for role in ROLES}) == len(ROLES)


def test_the_database_accepts_exactly_the_listed_roles() -> None:
    assert STAFF_ROLES == ROLE_CODES
    assert USER_ROLES == ROLE_CODES


def test_every_role_has_a_scope_kind_that_scope_filters_on() -> None:
    assert {role.code: role.scope_kind for role in ROLES} == {
        "officer": "officer",
        "team_leader": "team",
        "trainer": "trainer",
        "admin": "all",
    }
    assert all(role.scope_kind in SCOPE_KINDS for role in ROLES)
    # Every kind is one Scope knows: a staff filter that is not the "sees nothing" one.
    nobody = Scope.nobody().staff_where("s")
    complete = {"branch": "B1", "team": "T1", "staff_code": "OF1"}
    filters = {kind: Scope(kind, **complete).staff_where("s") for kind in SCOPE_KINDS}
    assert [kind for kind, found in filters.items() if found == nobody and kind != "trainer"] == []


def test_only_the_role_that_sees_everything_has_no_staff_link() -> None:
    assert STAFF_LINKED_ROLES == ("officer", "team_leader", "trainer")
    assert [role.code for role in ROLES if role.scope_kind == ALL] == ["admin"]


def test_officers_open_on_their_plan_the_others_on_the_home_page_each_page_listed_once() -> None:
    opens = {role.code: role.default_page.path for role in ROLES}
    assert opens == {
        "officer": "pages/plan.py",
        "team_leader": "pages/home.py",
        "trainer": "pages/home.py",
        "admin": "pages/home.py",
    }
    for role in ROLES:
        paths = [page.path for page in role.pages]
        assert paths[0] == role.default_page.path, role.code
        assert "pages/home.py" in paths, role.code  # the home page stays in every menu
        assert len(set(paths)) == len(paths), role.code
        assert not role.pages[0].hidden


def test_every_title_and_section_is_in_both_catalogues() -> None:
    keys = catalogue_keys()
    assert "nav.my_work" in keys and "home.title" in keys and "password.title" in keys
    for language in ("en", "zh"):
        catalog: dict[str, str] = {}
        for path in [
            CONFIG_DIR / "i18n" / f"{language}.yaml",
            *(CONFIG_DIR / "i18n" / language).glob("*.yaml"),
        ]:
            catalog.update(yaml.safe_load(path.read_text(encoding="utf-8")))
        needed = sorted(keys | {f"role.{code}" for code in ROLE_CODES})
        assert [key for key in needed if not catalog.get(key)] == [], language


def test_the_staff_file_accepts_the_listed_roles() -> None:
    staff = next(spec for spec in TABLE_SPECS if spec.name == "staff")
    role = next(column for column in staff.columns if column.name == "role")
    assert role.choices == ROLE_CODES


def test_officers_and_team_leaders_need_a_team_on_the_staff_list() -> None:
    assert [role.code for role in ROLES if role.needs_team] == ["officer", "team_leader"]


def test_the_help_text_names_every_role() -> None:
    assert role_list_text() == "officer, team_leader, trainer or admin"
    assert role_list_text(("admin",)) == "admin"
