"""Every setting Fieldbook reads, declared once with its default and help text.

Settings come from environment variables; the README's table of settings is checked
against `SETTINGS` by a test, so a new setting cannot go undocumented.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from core.paths import CONFIG_DIR, DATA_DIR


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, default and what it does."""

    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        f"sqlite:///{DATA_DIR / 'fieldbook.db'}",
        "SQLAlchemy URL of the database: sqlite:///path/to/file.db or "
        "postgresql+psycopg://user:password@host/dbname.",
    ),
    Setting(
        "FIELDBOOK_CONFIG_DIR",
        str(CONFIG_DIR),
        "Folder holding the YAML configuration (activities.yaml, rules, review template).",
    ),
    Setting(
        "FIELDBOOK_DEFAULT_LANGUAGE",
        "zh",
        "Language of the app until a person picks one: zh (Simplified Chinese) or en.",
    ),
    Setting(
        "FIELDBOOK_SQLITE_BUSY_TIMEOUT_MS",
        "30000",
        "How long a SQLite writer waits for another writer's lock before giving up, in ms.",
    ),
    Setting(
        "FIELDBOOK_SESSION_IDLE_MINUTES",
        "60",
        "A login ends after this many minutes without a request.",
    ),
    Setting(
        "FIELDBOOK_SESSION_MAX_HOURS",
        "12",
        "A login ends this many hours after it began, however active the person is.",
    ),
    Setting(
        "FIELDBOOK_MAX_UPLOAD_MB",
        "50",
        "The largest file the import page accepts, in megabytes (keep Streamlit's "
        "server.maxUploadSize at least as large).",
    ),
    Setting(
        "FIELDBOOK_IMPORT_MAX_UNPACKED_MB",
        "200",
        "The most a workbook (.xlsx) may unpack to, in megabytes, summed over its parts; "
        "a larger one is refused before it is read.",
    ),
    Setting(
        "FIELDBOOK_IMPORT_MAX_PACK_RATIO",
        "100",
        "How many times its packed size one part of a workbook may unpack to; a part "
        "packed tighter is refused before it is read (spreadsheet programs pack 5 to 20 times).",
    ),
    Setting(
        "FIELDBOOK_IMPORT_MAX_CELLS",
        "5000000",
        "The most cells a workbook's import sheets may hold (rows times the columns of "
        "each sheet's header); the import is refused as soon as it reads more.",
    ),
    Setting(
        "FIELDBOOK_IMPORT_CHUNK_ROWS",
        "50000",
        "How many rows of a CSV file the importer reads and checks at a time: its memory "
        "grows with this, not with the file.",
    ),
    Setting(
        "FIELDBOOK_IMPORT_PARTITION_MB",
        "64",
        "An import larger than this many megabytes of CSV is checked, compared and written "
        "in parts of about this size (a loan with its schedule and repayments, a borrower "
        "with their training days, an officer with their visits and time entries always "
        "in one part): its memory follows the part, not the files.",
    ),
    Setting(
        "FIELDBOOK_TIMEZONE",
        "Asia/Shanghai",
        "The time zone times are shown in (an IANA name such as Asia/Shanghai); the "
        "database keeps UTC.",
    ),
    Setting(
        "FIELDBOOK_DOWNLOAD_MINUTES",
        "2",
        "How long a prepared download (a backup, an export, a PDF) can be fetched, once, "
        "by the session that asked for it, in minutes.",
    ),
    Setting(
        "FIELDBOOK_BASE_URL",
        "http://localhost:8501",
        "The app's address as people open it: the daily digests link back to it.",
    ),
    Setting(
        "FIELDBOOK_SMTP_HOST",
        "",
        "The mail server that sends the daily digests by e-mail (empty: no e-mail is sent).",
    ),
    Setting(
        "FIELDBOOK_SMTP_PORT",
        "",
        "Its port (empty: 25 with FIELDBOOK_SMTP_TLS=none, 587 with starttls, 465 with ssl).",
    ),
    Setting(
        "FIELDBOOK_SMTP_TLS",
        "starttls",
        "How the connection to the mail server is encrypted: none, starttls or ssl.",
    ),
    Setting(
        "FIELDBOOK_SMTP_USER",
        "",
        "The mail server's login (empty: send without logging in).",
    ),
    Setting(
        "FIELDBOOK_SMTP_PASSWORD",
        "",
        "The mail server login's password (never logged or shown).",
    ),
    Setting(
        "FIELDBOOK_MAIL_FROM",
        "",
        "The sender of the digests, as an e-mail address (required with FIELDBOOK_SMTP_HOST).",
    ),
    Setting(
        "FIELDBOOK_WEBHOOK_HOSTS",
        "qyapi.weixin.qq.com,oapi.dingtalk.com",
        "The hosts a group robot's webhook may point to, comma-separated: the server posts "
        "to no other address (so an address typed in a settings page cannot reach the "
        "cooperative's internal network).",
    ),
)


@dataclass(frozen=True)
class Settings:
    """The resolved settings of one process."""

    database_url: str
    config_dir: Path
    default_language: str
    sqlite_busy_timeout_ms: int
    session_idle_minutes: int
    session_max_hours: int
    max_upload_mb: int = 50
    import_max_unpacked_mb: int = 200
    import_max_pack_ratio: int = 100
    import_max_cells: int = 5_000_000
    import_chunk_rows: int = 50_000
    import_partition_mb: int = 64
    timezone: str = "Asia/Shanghai"
    download_minutes: int = 2


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Reads the settings from `environ` (default: the process environment)."""
    env = os.environ if environ is None else environ
    values = {s.env: env.get(s.env) or s.default for s in SETTINGS}
    try:
        busy_timeout_ms = int(values["FIELDBOOK_SQLITE_BUSY_TIMEOUT_MS"])
    except ValueError as exc:
        raise SettingsError(
            "FIELDBOOK_SQLITE_BUSY_TIMEOUT_MS must be a whole number of milliseconds, "
            f"not {values['FIELDBOOK_SQLITE_BUSY_TIMEOUT_MS']!r}"
        ) from exc
    idle_minutes = _positive_whole(values, "FIELDBOOK_SESSION_IDLE_MINUTES", "minutes")
    max_hours = _positive_whole(values, "FIELDBOOK_SESSION_MAX_HOURS", "hours")
    max_upload_mb = _positive_whole(values, "FIELDBOOK_MAX_UPLOAD_MB", "megabytes")
    download_minutes = _positive_whole(values, "FIELDBOOK_DOWNLOAD_MINUTES", "minutes")
    unpacked_mb = _positive_whole(values, "FIELDBOOK_IMPORT_MAX_UNPACKED_MB", "megabytes")
    pack_ratio = _positive_whole(values, "FIELDBOOK_IMPORT_MAX_PACK_RATIO", "times")
    max_cells = _positive_whole(values, "FIELDBOOK_IMPORT_MAX_CELLS", "cells")
    chunk_rows = _positive_whole(values, "FIELDBOOK_IMPORT_CHUNK_ROWS", "rows")
    partition_mb = _positive_whole(values, "FIELDBOOK_IMPORT_PARTITION_MB", "megabytes")
    language = values["FIELDBOOK_DEFAULT_LANGUAGE"]
    if language not in ("zh", "en"):
        raise SettingsError(f"FIELDBOOK_DEFAULT_LANGUAGE must be zh or en, not {language!r}")
    timezone = values["FIELDBOOK_TIMEZONE"]
    if not _known_zone(timezone):
        raise SettingsError(
            "FIELDBOOK_TIMEZONE must be a time zone name such as Asia/Shanghai or UTC, "
            f"not {timezone!r}"
        )
    return Settings(
        database_url=values["DATABASE_URL"],
        config_dir=Path(values["FIELDBOOK_CONFIG_DIR"]),
        default_language=language,
        sqlite_busy_timeout_ms=busy_timeout_ms,
        session_idle_minutes=idle_minutes,
        session_max_hours=max_hours,
        max_upload_mb=max_upload_mb,
        import_max_unpacked_mb=unpacked_mb,
        import_max_pack_ratio=pack_ratio,
        import_max_cells=max_cells,
        import_chunk_rows=chunk_rows,
        import_partition_mb=partition_mb,
        timezone=timezone,
        download_minutes=download_minutes,
    )


def _known_zone(name: str) -> bool:
    # An unknown name, a path ("../x", "/etc/localtime") or a folder of zones ("Asia")
    # each fail differently; none of them is a zone to show times in.
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _positive_whole(values: Mapping[str, str], name: str, unit: str) -> int:
    try:
        number = int(values[name])
    except ValueError:
        number = 0
    if number <= 0:
        raise SettingsError(
            f"{name} must be a whole number of {unit} above 0, not {values[name]!r}"
        )
    return number


class SettingsError(ValueError):
    """A setting has a value Fieldbook cannot use; the message says which and why."""
