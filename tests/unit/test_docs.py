"""docs/import-format.md documents every table and column the importer reads."""

from __future__ import annotations

from core.auth.roles import ROLES
from core.config.lists import load_activities
from core.importer.spec import TABLE_SPECS
from core.paths import CONFIG_DIR, PROJECT_ROOT

DOC = (PROJECT_ROOT / "docs" / "import-format.md").read_text(encoding="utf-8")


def test_every_table_has_a_section() -> None:
    assert [s.file_name for s in TABLE_SPECS if f"### {s.file_name}" not in DOC] == []


def test_every_column_is_listed_under_its_table() -> None:
    missing = []
    for spec in TABLE_SPECS:
        section = DOC.split(f"### {spec.file_name}")[1].split("###")[0]
        missing += [f"{spec.name}.{c.name}" for c in spec.columns if f"| {c.name} |" not in section]
    assert missing == []


def test_every_text_columns_length_is_documented_in_its_row() -> None:
    undocumented = []
    for spec in TABLE_SPECS:
        section = DOC.split(f"### {spec.file_name}")[1].split("###")[0]
        for column in spec.columns:
            if column.kind != "text":
                continue
            assert column.max_length > 0, column.name
            row = next(line for line in section.splitlines() if f"| {column.name} |" in line)
            if f"at most {column.max_length:,} characters" not in row:
                undocumented.append(f"{spec.name}.{column.name}")
    assert undocumented == []
    assert "non-empty text on one line, at most 64 characters" in DOC
    assert {c.max_length for s in TABLE_SPECS for c in s.columns if c.kind == "code"} == {64}


def test_choices_are_documented() -> None:
    for spec in TABLE_SPECS:
        for column in spec.columns:
            for choice in column.choices:
                assert f"`{choice}`" in DOC, (column.name, choice)
    for activity in load_activities(CONFIG_DIR):
        assert f"`{activity.code}`" in DOC


def test_every_command_is_in_the_readme() -> None:
    import argparse

    from core.cli.main import build_parser

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert [c for c in commands.choices if f"`python -m core {c}" not in readme] == []


def test_every_page_is_in_the_readmes_screens_table() -> None:
    import yaml

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Screens")[1].split("\n\n")[1]
    catalog: dict[str, str] = {}
    for path in [CONFIG_DIR / "i18n" / "en.yaml", *(CONFIG_DIR / "i18n" / "en").glob("*.yaml")]:
        catalog.update(yaml.safe_load(path.read_text(encoding="utf-8")))
    # The menu's pages: the borrower page is reached from the portfolio, not from the menu.
    titles = {catalog[page.title_key] for role in ROLES for page in role.pages if not page.hidden}
    assert len(titles) > 10
    assert sorted(title for title in titles if title not in table) == []


def test_the_readmes_map_and_how_to_name_files_that_exist() -> None:
    import re

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    sections = readme.split("## Where things live")[1].split("## PostgreSQL")[0]
    named = set(re.findall(r"`([\w./*-]+\.(?:py|yaml|md)|[\w./-]+/)`", sections))
    assert len(named) > 40
    # A bare name is a page (pages/), a shared module of app/, a folder of tests/, or at
    # the root.
    places = ("", "pages/", "app/", "tests/")
    # Folders the tests write into (git ignores them): not there in a fresh clone.
    written = {"tests/e2e/screenshots/"}
    missing = sorted(
        name
        for name in named - written
        if not any(list(PROJECT_ROOT.glob(place + name.rstrip("/"))) for place in places)
    )
    assert missing == []
