"""`python -m core install-config PATH`: the command-line twin of the Configuration page's
upload, for when the app cannot start (a version in force that a newer Fieldbook refuses)
or for scripted deployments. The same check, storage and audit (actor "cli")."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from core.admin.config_versions import decode_upload, install_config
from core.admin.models import CONFIG_FILES
from core.config.lists import ConfigError
from core.db.engine import make_engine
from core.db.schema import ensure_schema
from core.settings import load_settings

ACTOR = "cli"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The install-config command and its arguments."""
    install = commands.add_parser(
        "install-config",
        help="check a rules file or review template and make it the version in force",
    )
    install.add_argument("path", type=Path, help="the new file")
    install.add_argument(
        "--as",
        dest="file",
        choices=CONFIG_FILES,
        help="which file it is (default: its own name, rules.yaml or review_template.yaml)",
    )
    install.add_argument("--note", help="why it changed, kept with the version")


def run_install(args: argparse.Namespace) -> str:
    """Installs args.path as the version in force (ConfigError when it is refused); returns
    the line to print."""
    file = args.file or args.path.name
    if file not in CONFIG_FILES:
        raise ConfigError(
            f"{args.path}: say which file it is with --as ({' or '.join(CONFIG_FILES)})"
        )
    try:
        data = args.path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{args.path}: cannot be read ({exc.strerror})") from exc
    settings = load_settings()
    engine = make_engine(settings)
    ensure_schema(engine)
    done = install_config(
        engine,
        settings.config_dir,
        file,
        decode_upload(file, data),
        ACTOR,
        dt.datetime.now(dt.UTC),
        note=args.note,
    )
    return f"{file}: version {done.version_id} is now in force for every process ({done.summary})"
