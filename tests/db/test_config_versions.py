"""Configuration versions: a new rules file or review template is validated before it
replaces the active one, every version is kept, and any can be restored (issue 8)."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from core.admin.active_config import (
    ActiveVersions,
    load_active_rules,
    load_active_template,
    read_active_versions,
)
from core.admin.config_versions import (
    MAX_CONFIG_BYTES,
    check_config,
    decode_upload,
    install_config,
    list_versions,
    restore_version,
    sha256_of,
)
from core.admin.models import ConfigVersion
from core.config.lists import ConfigError
from core.db.audit import load_audit
from core.db.engine import read_data_version
from core.paths import CONFIG_DIR
from core.rules import load_default_rules

T1 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A private copy of config/: the real files are never touched by a test."""
    return Path(shutil.copytree(CONFIG_DIR, tmp_path / "config"))


def rules_text(config_dir: Path) -> str:
    return (config_dir / "rules.yaml").read_text(encoding="utf-8")


def recovery_goal_changed(text: str) -> str:
    # The recovery rule's bands: warn from 98% down to 97%.
    old = "bands: {target: 1.0, warn: 0.98, fail: 0.95}"
    assert text.count(old) == 1
    return text.replace(old, "bands: {target: 1.0, warn: 0.97, fail: 0.95}")


def count_versions(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(ConfigVersion)).scalar_one())


def test_valid_rules_are_installed_and_the_original_kept(engine: Engine, config_dir: Path) -> None:
    original = rules_text(config_dir)
    new = recovery_goal_changed(original)
    with engine.connect() as conn:
        version_before = read_data_version(conn)

    done = install_config(engine, config_dir, "rules.yaml", new, "admin", T1, note="97% is met")

    assert rules_text(config_dir) == new
    assert load_default_rules(config_dir).by_id("recovery_rate").warn == Decimal("0.97")
    assert "rules" in done.summary and "/tmp" not in done.summary
    with engine.connect() as conn:
        versions = list_versions(conn, "rules.yaml")
        assert list_versions(conn, "review_template.yaml") == []
        entries = load_audit(conn, action="config.install")
        assert read_data_version(conn) > version_before
    # Newest first: the upload, then the file that was in place before it.
    assert [(v.content, v.uploaded_by, v.note) for v in versions] == [
        (new, "admin", "97% is met"),
        (original, "system", "in place before this install"),
    ]
    assert versions[0].id == done.version_id
    assert versions[0].sha256 == done.sha256 == sha256_of(new)
    assert versions[0].uploaded_at == T1
    assert len(entries) == 1
    assert (entries[0].actor, entries[0].entity, entries[0].entity_key) == (
        "admin",
        "config",
        "rules.yaml",
    )
    assert entries[0].before == {"sha256": sha256_of(original)}
    assert entries[0].after == {"sha256": sha256_of(new), "version_id": done.version_id}


def test_a_second_install_does_not_store_the_original_twice(
    engine: Engine, config_dir: Path
) -> None:
    original = rules_text(config_dir)
    first = recovery_goal_changed(original)
    install_config(engine, config_dir, "rules.yaml", first, "admin", T1)
    install_config(engine, config_dir, "rules.yaml", original, "admin", T2)
    assert rules_text(config_dir) == original
    with engine.connect() as conn:
        versions = list_versions(conn, "rules.yaml")
    assert [v.content for v in versions] == [original, first, original]
    assert [v.uploaded_by for v in versions] == ["admin", "admin", "system"]


def test_invalid_rules_are_refused_and_nothing_is_written(engine: Engine, config_dir: Path) -> None:
    original = rules_text(config_dir)
    broken = original.replace("figure: recovery_rate", "figure: recovery_rat", 1)
    with pytest.raises(ConfigError) as refused:
        install_config(engine, config_dir, "rules.yaml", broken, "admin", T1)
    message = str(refused.value)
    # The rule sits on line 80; its figure two lines below.
    assert message.startswith("rules.yaml, line 82, key 'figure': unknown figure 'recovery_rat'")
    assert str(config_dir) not in message
    assert rules_text(config_dir) == original
    assert count_versions(engine) == 0
    with engine.connect() as conn:
        assert load_audit(conn) == []


def test_rules_dropping_a_rule_the_template_names_are_refused(
    engine: Engine, config_dir: Path
) -> None:
    original = rules_text(config_dir)
    # par30_limit is named by the template's "judging" section; rename its id.
    renamed = original.replace("- id: par30_limit", "- id: par30_cap", 1)
    assert renamed != original
    with pytest.raises(ConfigError) as refused:
        install_config(engine, config_dir, "rules.yaml", renamed, "admin", T1)
    message = str(refused.value)
    assert "review_template.yaml" in message
    assert "unknown rule 'par30_limit'" in message
    assert rules_text(config_dir) == original
    assert count_versions(engine) == 0


def test_a_template_naming_an_unknown_rule_is_refused(engine: Engine, config_dir: Path) -> None:
    template = (config_dir / "review_template.yaml").read_text(encoding="utf-8")
    broken = template.replace("rules: [visit_coverage]", "rules: [visit_cover]", 1)
    assert broken != template
    with pytest.raises(ConfigError, match=r"^review_template\.yaml, line \d+.*'visit_cover'"):
        install_config(engine, config_dir, "review_template.yaml", broken, "admin", T1)
    assert (config_dir / "review_template.yaml").read_text(encoding="utf-8") == template
    assert count_versions(engine) == 0


def test_a_valid_template_is_installed(engine: Engine, config_dir: Path) -> None:
    template = (config_dir / "review_template.yaml").read_text(encoding="utf-8")
    new = template.replace("due_days: 15", "due_days: 20", 1)
    done = install_config(engine, config_dir, "review_template.yaml", new, "admin", T1)
    assert (config_dir / "review_template.yaml").read_text(encoding="utf-8") == new
    assert "due 20 days after the quarter" in done.summary
    with engine.connect() as conn:
        assert [v.content for v in list_versions(conn, "review_template.yaml")] == [new, template]


def test_restore_gives_back_the_old_content(engine: Engine, config_dir: Path) -> None:
    original = rules_text(config_dir)
    install_config(engine, config_dir, "rules.yaml", recovery_goal_changed(original), "admin", T1)
    with engine.connect() as conn:
        kept = list_versions(conn, "rules.yaml")[-1]
    assert kept.content == original

    done = restore_version(engine, config_dir, kept.id, "admin2", T2)

    assert rules_text(config_dir) == original
    assert load_default_rules(config_dir).by_id("recovery_rate").warn == Decimal("0.98")
    with engine.connect() as conn:
        versions = list_versions(conn, "rules.yaml")
        entries = load_audit(conn, action="config.restore")
    assert len(versions) == 3
    assert (versions[0].id, versions[0].uploaded_by, versions[0].note) == (
        done.version_id,
        "admin2",
        f"restored version {kept.id}",
    )
    assert len(entries) == 1
    assert entries[0].before == {"sha256": sha256_of(recovery_goal_changed(original))}
    assert entries[0].after == {
        "sha256": sha256_of(original),
        "version_id": done.version_id,
        "restored_from": kept.id,
    }


def test_restoring_a_version_that_no_longer_fits_is_refused(
    engine: Engine, config_dir: Path
) -> None:
    # A template version naming a rule, then rules without that rule (after the template
    # stopped naming it): the old template no longer fits the active rules.
    template = (config_dir / "review_template.yaml").read_text(encoding="utf-8")
    without = template.replace("rules: [visit_coverage]", "rules: []", 1)
    install_config(engine, config_dir, "review_template.yaml", without, "admin", T1)
    rules = rules_text(config_dir)
    start = rules.index("  - id: visit_coverage")
    end = rules.index("  - id: no_overdue_followups")
    install_config(engine, config_dir, "rules.yaml", rules[:start] + rules[end:], "admin", T1)
    with engine.connect() as conn:
        old_template = list_versions(conn, "review_template.yaml")[-1]
    assert old_template.content == template
    before = count_versions(engine)
    with pytest.raises(ConfigError, match="unknown rule 'visit_coverage'"):
        restore_version(engine, config_dir, old_template.id, "admin", T2)
    assert (config_dir / "review_template.yaml").read_text(encoding="utf-8") == without
    assert count_versions(engine) == before


def test_an_unknown_version_is_refused(engine: Engine, config_dir: Path) -> None:
    with pytest.raises(ConfigError, match="no stored configuration version 99"):
        restore_version(engine, config_dir, 99, "admin", T1)


def test_uploads_must_be_small_utf8_text(config_dir: Path) -> None:
    assert decode_upload("rules.yaml", b"\xef\xbb\xbfrules: []\n") == "rules: []\n"
    with pytest.raises(ConfigError, match="not UTF-8"):
        decode_upload("rules.yaml", "规则".encode("gb18030"))
    with pytest.raises(ConfigError, match="NUL"):
        decode_upload("rules.yaml", b"rules:\x00")
    with pytest.raises(ConfigError, match="limit is 262,144"):
        decode_upload("rules.yaml", b"#" * (MAX_CONFIG_BYTES + 1))
    with pytest.raises(ConfigError, match="not a configuration file"):
        check_config(config_dir, "activities.yaml", "x: 1\n")


@pytest.mark.parametrize(
    "text",
    ["rules: " + "[" * 10_000 + "]" * 10_000, "rules: " + "{a: " * 10_000 + "1" + "}" * 10_000],
)
def test_an_upload_nested_10000_deep_is_refused_with_its_line(
    engine: Engine, config_dir: Path, text: str
) -> None:
    # It raised RecursionError, which the admin page does not catch.
    with pytest.raises(ConfigError) as refused:
        check_config(config_dir, "rules.yaml", text)
    assert str(refused.value) == "rules.yaml, line 1: too deeply nested (more than 50 levels)"
    with pytest.raises(ConfigError, match="too deeply nested"):
        install_config(engine, config_dir, "rules.yaml", text, "admin", T1)
    assert count_versions(engine) == 0


# Several processes on one database (issue 15): the newest stored version of a file is in
# force for every process, whatever its own config/ folder holds.


@pytest.fixture
def other_machine(tmp_path: Path) -> Path:
    """The config/ folder of another process's machine: the shipped files, never written."""
    return Path(shutil.copytree(CONFIG_DIR, tmp_path / "other"))


def test_without_a_stored_version_the_files_are_in_force(engine: Engine, config_dir: Path) -> None:
    with engine.connect() as conn:
        assert read_active_versions(conn) == ActiveVersions(None, None)
        rules = load_active_rules(conn, config_dir)
        template = load_active_template(conn, config_dir, rules)
    assert rules.by_id("recovery_rate").warn == Decimal("0.98")
    assert template.due_days == 15


def test_an_install_is_in_force_for_a_process_with_another_config_folder(
    engine: Engine, config_dir: Path, other_machine: Path
) -> None:
    new = recovery_goal_changed(rules_text(config_dir))
    done = install_config(engine, config_dir, "rules.yaml", new, "admin", T1)
    template = (config_dir / "review_template.yaml").read_text(encoding="utf-8")
    due_20 = template.replace("due_days: 15", "due_days: 20", 1)
    done_template = install_config(engine, config_dir, "review_template.yaml", due_20, "admin", T1)

    with engine.connect() as conn:
        versions = read_active_versions(conn)
        rules = load_active_rules(conn, other_machine)
        assert load_active_template(conn, other_machine, rules).due_days == 20
    assert versions == ActiveVersions(done.version_id, done_template.version_id)
    assert rules.by_id("recovery_rate").warn == Decimal("0.97")
    # That machine's own file is untouched and no longer read.
    assert load_default_rules(other_machine).by_id("recovery_rate").warn == Decimal("0.98")

    # A restore is a new row: the newest, so in force.
    with engine.connect() as conn:
        original = list_versions(conn, "rules.yaml")[-1]
    restored = restore_version(engine, other_machine, original.id, "admin", T2)
    with engine.connect() as conn:
        assert read_active_versions(conn).rules == restored.version_id
        assert load_active_rules(conn, config_dir).by_id("recovery_rate").warn == Decimal("0.98")


def test_an_install_from_another_machine_keeps_the_version_in_force_not_its_file(
    engine: Engine, config_dir: Path, other_machine: Path
) -> None:
    original = rules_text(config_dir)
    first = recovery_goal_changed(original)
    install_config(engine, config_dir, "rules.yaml", first, "admin", T1)
    second = first.replace("min_training_days: 5 ", "min_training_days: 6 ", 1)
    assert second != first
    install_config(engine, other_machine, "rules.yaml", second, "admin2", T2)
    with engine.connect() as conn:
        versions = list_versions(conn, "rules.yaml")
    # The other machine's (stale) file was never in force: it is not stored as a version.
    assert [v.content for v in versions] == [second, first, original]
    assert (other_machine / "rules.yaml").read_text(encoding="utf-8") == second


def test_a_template_is_checked_against_the_rules_in_force_not_the_folders(
    engine: Engine, config_dir: Path, other_machine: Path
) -> None:
    # Machine A drops visit_coverage (the template stops naming it first).
    template = (config_dir / "review_template.yaml").read_text(encoding="utf-8")
    without = template.replace("rules: [visit_coverage]", "rules: []", 1)
    install_config(engine, config_dir, "review_template.yaml", without, "admin", T1)
    rules = rules_text(config_dir)
    start = rules.index("  - id: visit_coverage")
    end = rules.index("  - id: no_overdue_followups")
    install_config(engine, config_dir, "rules.yaml", rules[:start] + rules[end:], "admin", T1)
    # Machine B's folder still has the rule: the shipped template fits its files, but not
    # the rules in force.
    assert "sections" in check_config(other_machine, "review_template.yaml", template)
    with pytest.raises(ConfigError, match="unknown rule 'visit_coverage'"):
        check_config(other_machine, "review_template.yaml", template, engine)
    with pytest.raises(ConfigError, match="unknown rule 'visit_coverage'"):
        install_config(engine, other_machine, "review_template.yaml", template, "admin", T2)
