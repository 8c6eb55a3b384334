"""The configuration page: the active rules shown readably, a checked upload installed,
a bad file refused, versions restored; admins only (issue 8)."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, select

from app.resources import get_rules, refresh_config, scoped_cache
from app.reviews.view import get_template
from core.admin.config_versions import install_config
from core.admin.models import ConfigVersion
from core.auth.scope import Scope
from core.db.engine import make_engine
from core.paths import CONFIG_DIR
from core.settings import load_settings
from tests.app.conftest import open_page, start_app, texts
from tests.db.helpers import add_account

PAGE = "pages/admin_config.py"
OLD_BANDS = "bands: {target: 1.0, warn: 0.98, fail: 0.95}"
NEW_BANDS = "bands: {target: 1.0, warn: 0.97, fail: 0.95}"


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of config/ behind the app; the real files are never touched."""
    folder = Path(shutil.copytree(CONFIG_DIR, tmp_path / "config"))
    monkeypatch.setenv("FIELDBOOK_CONFIG_DIR", str(folder))
    assert load_settings().config_dir == folder
    return folder


def frame_with(at, column: str):
    """The one table on the page that has this column."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, column
    return found[0]


def rules_frame(at):
    return (
        frame_with(at, "Figure") if at.session_state["language"] == "en" else frame_with(at, "指标")
    )


def button_keys(at) -> set[str]:
    return {b.key for b in at.button}


def stored(url: str) -> list[tuple[str, str]]:
    engine = make_engine(database_url=url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(ConfigVersion.file, ConfigVersion.uploaded_by).order_by(ConfigVersion.id)
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_the_rules_table_shows_the_recovery_goal(
    loaded_db: str, config_dir: Path, log_in_as
) -> None:
    log_in_as("admin")
    at = open_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "Configuration"
    frame = rules_frame(at)
    row = frame[frame["Rule"] == "recovery_rate"].iloc[0]
    assert (row["Name"], row["Better"]) == ("Recovery rate", "Higher")
    assert (row["Goal"], row["Warning from"], row["Missed from"]) == ("100.0%", "98.0%", "95.0%")
    # The template tab: sections and the rating scale.
    sections = frame_with(at, "Key")
    assert list(sections["Key"])[:2] == ["judging", "customers"]
    assert list(frame_with(at, "Rating")["Rating"])[0] == "Needs much improvement"


def test_the_rules_read_in_chinese(loaded_db: str, config_dir: Path, log_in_as) -> None:
    log_in_as("admin")
    at = open_page(PAGE, "zh")
    assert not at.exception
    frame = rules_frame(at)
    row = frame[frame["规则"] == "recovery_rate"].iloc[0]
    assert (row["名称"], row["方向"], row["预警线"]) == ("回收率", "越高越好", "98.0%")


def test_a_checked_upload_is_installed_then_restored(
    loaded_db: str, config_dir: Path, log_in_as
) -> None:
    log_in_as("admin")
    original = (config_dir / "rules.yaml").read_text(encoding="utf-8")
    new = original.replace(OLD_BANDS, NEW_BANDS)
    at = open_page(PAGE)
    assert at.file_uploader[0].label.startswith("New rules.yaml")
    at.file_uploader[0].set_value(("rules.yaml", new.encode("utf-8"), "application/x-yaml")).run()
    assert "admin_config.install.rules.yaml" not in button_keys(at)  # not before a check
    at.button(key="admin_config.check.rules.yaml").click().run()
    assert not at.exception
    assert "The file is valid" in at.success[0].value
    at.text_input(key="admin_config.note.rules.yaml").set_value("97% counts as met")
    at.button(key="admin_config.install.rules.yaml").click().run()
    assert not at.exception
    assert (config_dir / "rules.yaml").read_text(encoding="utf-8") == new
    assert stored(loaded_db) == [("rules.yaml", "system"), ("rules.yaml", "admin")]

    at = open_page(PAGE)  # a fresh session: the new goal is what the app now uses
    frame = rules_frame(at)
    assert frame[frame["Rule"] == "recovery_rate"].iloc[0]["Warning from"] == "97.0%"
    versions = [d.value for d in at.dataframe if "Who" in d.value.columns][0]
    assert list(versions["Who"]) == ["admin", "System"]
    assert list(versions["Note"]) == ["97% counts as met", "in place before this install"]
    assert list(versions["In use"]) == ["Yes", ""]

    original_id = int(versions["Version"].iloc[1])
    at.selectbox(key="admin_config.pick.rules.yaml").set_value(original_id).run()
    at.button(key="admin_config.restore.rules.yaml").click().run()
    assert f"Make version {original_id} the active rules.yaml?" in at.warning[0].value
    assert (config_dir / "rules.yaml").read_text(encoding="utf-8") == new  # asked, not done
    at.button(key="admin_config.yes.rules.yaml").click().run()
    assert not at.exception
    assert (config_dir / "rules.yaml").read_text(encoding="utf-8") == original
    assert f"Version {original_id} restored" in at.success[0].value


def test_versions_read_in_local_time_with_names_in_chinese(
    loaded_db: str, config_dir: Path, log_in_as
) -> None:
    engine = make_engine(database_url=loaded_db)
    add_account(engine, "zhoumin", "admin", None)  # display name "Zhoumin"
    new = (config_dir / "rules.yaml").read_text(encoding="utf-8").replace(OLD_BANDS, NEW_BANDS)
    # 23:30 UTC on 30 June is 07:30 on 1 July in Shanghai.
    at_night = dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC)
    install_config(engine, config_dir, "rules.yaml", new, "zhoumin", at_night, note="放宽预警线")
    engine.dispose()
    log_in_as("admin")
    at = open_page(PAGE, "zh")
    versions = frame_with(at, "操作人")
    assert versions[["时间", "操作人", "备注", "使用中"]].values.tolist() == [
        ["2025年7月1日 07:30", "Zhoumin", "放宽预警线", "是"],
        ["2025年7月1日 07:30", "系统", "本次安装前使用的版本", ""],
    ]
    first = int(versions["版本"].iloc[0])
    assert at.selectbox(key="admin_config.pick.rules.yaml").options[0] == (
        f"#{first} · 2025年7月1日 07:30 · Zhoumin"
    )
    assert "时间按中国标准时间显示。" in [c.value for c in at.caption]


def test_a_bad_rules_file_is_refused_with_its_line(
    loaded_db: str, config_dir: Path, log_in_as
) -> None:
    log_in_as("admin")
    original = (config_dir / "rules.yaml").read_text(encoding="utf-8")
    broken = original.replace("figure: recovery_rate", "figure: recovery_rat", 1)
    at = open_page(PAGE)
    at.file_uploader[0].set_value(("rules.yaml", broken.encode("utf-8"), "text/yaml")).run()
    at.button(key="admin_config.check.rules.yaml").click().run()
    assert not at.exception
    assert "refused" in at.error[0].value
    detail = " ".join(c.value for c in at.code)
    assert "rules.yaml, line 82, key 'figure': unknown figure 'recovery_rat'" in detail
    assert "admin_config.install.rules.yaml" not in button_keys(at)
    assert (config_dir / "rules.yaml").read_text(encoding="utf-8") == original
    assert stored(loaded_db) == []


def test_the_check_speaks_chinese(loaded_db: str, config_dir: Path, log_in_as) -> None:
    log_in_as("admin")
    original = (config_dir / "rules.yaml").read_text(encoding="utf-8")
    broken = original.replace("figure: recovery_rate", "figure: recovery_rat", 1)
    at = open_page(PAGE, "zh")
    assert any("点击方框中的“Upload”按钮选择文件，文件不超过 1 MB。" in c.value for c in at.caption)
    at.file_uploader[0].set_value(("rules.yaml", broken.encode("utf-8"), "text/yaml")).run()
    at.button(key="admin_config.check.rules.yaml").click().run()
    assert [c.value for c in at.code if "rules.yaml 第" in c.value] == [
        "rules.yaml 第 82 行，键 'figure'：未知的指标 'recovery_rat'（是否应为 'recovery_rate'？"
        "指标须为 core.metrics.figures 中的键，或 time_share.<工作类别代码>）"
    ]
    at.file_uploader[0].set_value(("rules.yaml", original.encode("utf-8"), "text/yaml")).run()
    at.button(key="admin_config.check.rules.yaml").click().run()
    assert [c.value for c in at.code if c.value.startswith("rules.yaml：")] == [
        "rules.yaml：共 19 条规则，参数：min_training_days=5, grace_days=0, visit_window_days=90, "
        "followup_after_days=7, renewal_window_days=90, min_cohort_size=10, "
        "return_soon_days=14, sheet_window_days=0, reconcile_days=3, "
        "warning_horizon_days=90, warning_threshold=0.3, slipping_unvisited_days=14"
    ]


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("rules.txt", b"rules: []\n", "rules.txt is not a YAML file"),
        ("rules.yaml", "规则: []\n".encode("gb18030"), "not UTF-8"),
        ("rules.yaml", b"#" * (256 * 1024 + 1), "too large"),
    ],
)
def test_wrong_files_are_refused(
    loaded_db: str, config_dir: Path, log_in_as, name: str, data: bytes, problem: str
) -> None:
    log_in_as("admin")
    at = open_page(PAGE)
    at.file_uploader[0].set_value((name, data, "application/octet-stream")).run()
    at.button(key="admin_config.check.rules.yaml").click().run()
    assert not at.exception
    assert problem in " ".join(c.value for c in at.code)
    assert stored(loaded_db) == []


def test_other_roles_cannot_open_it(loaded_db: str, config_dir: Path, log_in_as) -> None:
    for role in ("officer", "team_leader", "trainer"):
        log_in_as(role)
        with pytest.raises(ValueError):
            start_app("en").switch_page(PAGE)


def install_elsewhere(url: str, folder: Path) -> None:
    """What another process does, on another machine with its own config/ folder: it
    installs new rules (recovery warns from 97%) and a template (due after 20 days) into
    the same database. This process's caches are left as they are."""
    engine = make_engine(database_url=url)
    now = dt.datetime.now(dt.UTC)
    new = (folder / "rules.yaml").read_text(encoding="utf-8").replace(OLD_BANDS, NEW_BANDS)
    install_config(engine, folder, "rules.yaml", new, "admin", now)
    template = (folder / "review_template.yaml").read_text(encoding="utf-8")
    due_20 = template.replace("due_days: 15", "due_days: 20", 1)
    install_config(engine, folder, "review_template.yaml", due_20, "admin", now)
    engine.dispose()


def test_a_version_installed_by_another_process_is_used_on_the_next_load(
    loaded_db: str, config_dir: Path, tmp_path: Path, log_in_as
) -> None:
    log_in_as("admin")
    frame = rules_frame(open_page(PAGE))
    assert frame[frame["Rule"] == "recovery_rate"].iloc[0]["Warning from"] == "98.0%"
    install_elsewhere(loaded_db, Path(shutil.copytree(CONFIG_DIR, tmp_path / "elsewhere")))
    assert "warn: 0.97" not in (config_dir / "rules.yaml").read_text(encoding="utf-8")

    at = open_page(PAGE)  # the page loaded again: a new session of this same process

    frame = rules_frame(at)
    assert frame[frame["Rule"] == "recovery_rate"].iloc[0]["Warning from"] == "97.0%"
    assert "Reviews are due 20 days" in texts(at)


def test_each_run_reads_the_versions_in_force_and_caches_are_keyed_by_them(
    loaded_db: str, config_dir: Path, tmp_path: Path
) -> None:
    calls: list[object] = []

    @scoped_cache()
    def warn_level(conn: Connection, scope: Scope, version: int) -> object:
        warn = get_rules().by_id("recovery_rate").warn
        calls.append(warn)
        return warn

    everyone = Scope.everyone()
    refresh_config()  # what the entry script does on every run
    assert (get_rules().by_id("recovery_rate").warn, warn_level(everyone, 1)) == (
        Decimal("0.98"),
        Decimal("0.98"),
    )
    assert get_template().due_days == 15
    install_elsewhere(loaded_db, Path(shutil.copytree(CONFIG_DIR, tmp_path / "elsewhere")))
    # Within a run, what it started with (a run never mixes two configurations).
    assert warn_level(everyone, 1) == Decimal("0.98")
    assert get_rules().by_id("recovery_rate").warn == Decimal("0.98")

    refresh_config()  # the next run; no cache was cleared

    assert get_rules().by_id("recovery_rate").warn == Decimal("0.97")
    assert get_template().due_days == 20
    # The same data version, but another configuration: computed again.
    assert warn_level(everyone, 1) == Decimal("0.97")
    assert calls == [Decimal("0.98"), Decimal("0.97")]
