"""`python -m core check-config` checks the rules and the review template."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from core.admin.config_versions import install_config, list_versions
from core.db.engine import make_engine
from core.paths import CONFIG_DIR, PROJECT_ROOT
from tests.db.test_cli import run_core


def test_both_files_are_checked_by_default(tmp_path: Path) -> None:
    done = run_core("check-config", database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 0, done.stderr
    assert "19 rules" in done.stdout
    assert (
        "review_template.yaml: 7 sections, 5 ratings, open for submission 10 days before the "
        "quarter ends, due 15 days after the quarter"
    ) in done.stdout


def test_a_broken_template_is_refused_with_its_line(tmp_path: Path) -> None:
    text = (CONFIG_DIR / "review_template.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "review_template.yaml"
    broken.write_text(text.replace("rules: [visit_coverage]", "rules: [no_such_rule]"), "utf-8")
    done = run_core("check-config", str(broken), database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 1
    assert f"{broken}, line " in done.stderr
    assert "unknown rule 'no_such_rule'" in done.stderr
    assert "rules" not in done.stdout  # only the file asked for was checked


def test_a_file_nested_10000_deep_is_refused_with_its_line(tmp_path: Path) -> None:
    deep = tmp_path / "rules.yaml"
    deep.write_text("rules: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    done = run_core("check-config", str(deep), database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 1
    # Not "internal error (RecursionError ...)": the file, the line and what is wrong.
    assert done.stderr.strip() == f"{deep}, line 1: too deeply nested (more than 50 levels)"


def test_the_versions_installed_in_the_database_are_checked(
    database_url: str, tmp_path: Path
) -> None:
    # Installed from the Configuration page of a process on another machine: this
    # machine's config/ still holds the shipped files, which are no longer in force.
    elsewhere = Path(shutil.copytree(CONFIG_DIR, tmp_path / "elsewhere"))
    text = (elsewhere / "rules.yaml").read_text(encoding="utf-8")
    engine = make_engine(database_url=database_url)
    done = install_config(
        engine,
        elsewhere,
        "rules.yaml",
        text.replace("min_training_days: 5 ", "min_training_days: 6 ", 1),
        "admin",
        dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
    )
    engine.dispose()
    checked = run_core("check-config", database_url=database_url)
    assert checked.returncode == 0, checked.stderr
    assert (
        f"rules.yaml (version {done.version_id}, in the database): 19 rules, parameters: "
        "min_training_days=6, "
    ) in checked.stdout
    assert f"{CONFIG_DIR / 'review_template.yaml'}: 7 sections" in checked.stdout


def run_core_with(config: Path, *args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """run_core with FIELDBOOK_CONFIG_DIR set to `config`."""
    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database_url, "FIELDBOOK_CONFIG_DIR": str(config)},
        timeout=300,
        check=False,
    )


def test_install_config_makes_a_file_the_version_in_force(
    database_url: str, tmp_path: Path
) -> None:
    new = tmp_path / "rules-2026.yaml"
    text = (CONFIG_DIR / "rules.yaml").read_text(encoding="utf-8")
    new.write_text(text.replace("min_training_days: 5 ", "min_training_days: 6 ", 1), "utf-8")
    unnamed = run_core("install-config", str(new), database_url=database_url)
    assert unnamed.returncode == 1
    assert "say which file it is with --as (rules.yaml or review_template.yaml)" in unnamed.stderr
    # The command writes the file of its config/ folder too: a private copy.
    config = Path(shutil.copytree(CONFIG_DIR, tmp_path / "config"))
    done = run_core_with(
        config, "install-config", str(new), "--as", "rules.yaml", "--note", "six days",
        database_url=database_url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("rules.yaml: version 2 is now in force for every process")
    engine = make_engine(database_url=database_url)
    with engine.connect() as conn:
        versions = list_versions(conn, "rules.yaml")
    engine.dispose()
    assert [(v.uploaded_by, v.note) for v in versions] == [
        ("cli", "six days"),
        ("system", "in place before this install"),
    ]
    checked = run_core("check-config", database_url=database_url)
    assert "rules.yaml (version 2, in the database): 19 rules" in checked.stdout
    assert "min_training_days=6, " in checked.stdout
    broken = tmp_path / "rules.yaml"
    broken.write_text("rules: " + "[" * 10_000 + "]" * 10_000, "utf-8")
    refused = run_core_with(config, "install-config", str(broken), database_url=database_url)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "error: rules.yaml, line 1: too deeply nested (more than 50 levels)"
    )
