"""`python -m core check-config` checks the rules and the review template."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from core.admin.config_versions import install_config
from core.db.engine import make_engine
from core.paths import CONFIG_DIR
from tests.db.test_cli import run_core


def test_both_files_are_checked_by_default(tmp_path: Path) -> None:
    done = run_core("check-config", database_url=f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 0, done.stderr
    assert "18 rules" in done.stdout
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
        f"rules.yaml (version {done.version_id}, in the database): 18 rules, parameters: "
        "min_training_days=6, "
    ) in checked.stdout
    assert f"{CONFIG_DIR / 'review_template.yaml'}: 7 sections" in checked.stdout
