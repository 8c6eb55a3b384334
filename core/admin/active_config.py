"""The configuration in force, the same for every app process and command on a database.

Installing or restoring a rules file or review template (core.admin.config_versions) adds
a row to config_versions; the newest row of a file (the highest id: ids grow with every
install, whatever the clocks of the machines say) is that file's active version, for every
process on the database, whatever the config/ folder of its own machine holds. A file with
no stored version is read from config/, as on a new installation.

activities.yaml and exit_reasons.yaml are not versioned: they always come from config/.

Processes cache what they load; read_active_versions is the one small query that tells
them, on each run, whether what they cached is still the configuration in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select

from core.admin.models import CONFIG_FILES, ConfigVersion
from core.config.lists import load_activities
from core.reviews.template import ReviewTemplate, load_review_template
from core.rules import RuleSet, load_rules

RULES, TEMPLATE = CONFIG_FILES


@dataclass(frozen=True)
class ActiveVersions:
    """The id of the stored version in force of each file; None: the file in config/."""

    rules: int | None = None
    template: int | None = None

    def of(self, file: str) -> int | None:
        """The active version id of `file` (rules.yaml or review_template.yaml)."""
        return self.rules if file == RULES else self.template

    @property
    def key(self) -> tuple[int | None, int | None]:
        """Both ids as a tuple: what caches are keyed by."""
        return self.rules, self.template


def read_active_versions(conn: Connection) -> ActiveVersions:
    """The newest stored version of each file: one query on the primary key of a table of
    a few rows per install, cheap enough for every script run."""
    query = select(ConfigVersion.file, func.max(ConfigVersion.id)).group_by(ConfigVersion.file)
    newest = {str(file): int(version) for file, version in conn.execute(query)}
    return ActiveVersions(rules=newest.get(RULES), template=newest.get(TEMPLATE))


def active_text(
    conn: Connection, config_dir: Path, file: str, versions: ActiveVersions | None = None
) -> str | None:
    """The text of `file` in force: its active stored version, else the file in
    `config_dir` (None if there is neither)."""
    versions = versions if versions is not None else read_active_versions(conn)
    version_id = versions.of(file)
    if version_id is None:
        path = config_dir / file
        return path.read_text(encoding="utf-8") if path.exists() else None
    query = select(ConfigVersion.content).where(ConfigVersion.id == version_id)
    return str(conn.execute(query).scalar_one())


def load_active_rules(
    conn: Connection, config_dir: Path, versions: ActiveVersions | None = None
) -> RuleSet:
    """The goal rules in force, checked against the activities of `config_dir`.

    Raises ConfigError naming rules.yaml, the line and the key, as for the file."""
    versions = versions if versions is not None else read_active_versions(conn)
    activities = [activity.code for activity in load_activities(config_dir)]
    if versions.rules is None:
        return load_rules(config_dir / RULES, activities)
    # A stored version is named by its file name alone: the folder plays no part.
    return load_rules(Path(RULES), activities, active_text(conn, config_dir, RULES, versions))


def load_active_template(
    conn: Connection,
    config_dir: Path,
    rules: RuleSet,
    versions: ActiveVersions | None = None,
) -> ReviewTemplate:
    """The review template in force, checked against `rules` (the rules in force)."""
    versions = versions if versions is not None else read_active_versions(conn)
    if versions.template is None:
        return load_review_template(config_dir / TEMPLATE, rules)
    text = active_text(conn, config_dir, TEMPLATE, versions)
    return load_review_template(Path(TEMPLATE), rules, text)


def active_rules(engine: Engine, config_dir: Path) -> RuleSet:
    """load_active_rules on a connection of its own (for the command line)."""
    with engine.connect() as conn:
        return load_active_rules(conn, config_dir)


def active_rules_and_template(engine: Engine, config_dir: Path) -> tuple[RuleSet, ReviewTemplate]:
    """The rules and the review template in force, read in one transaction."""
    with engine.connect() as conn:
        versions = read_active_versions(conn)
        rules = load_active_rules(conn, config_dir, versions)
        return rules, load_active_template(conn, config_dir, rules, versions)
