"""Installing a new rules file or review template from the browser, with every version kept.

A new file is validated before anything is written: the rules with core.rules (and the
active review template against them, so that a template naming a rule the new file drops
is refused), the template against the rules that are active. A refusal raises ConfigError
naming the file, the line and the key, and leaves the file and the database untouched.

On success the version in force (core.admin.active_config: the newest stored one, else
the file in config/) is stored if it is not stored yet (so the shipped original can always
be restored), the new text is stored, which makes it the version in force for every
process on the database, and the change is audited, all in one write transaction. The
file in this process's config/ is replaced too (temp file + os.replace: readers never see
half a file), so the folder on this machine shows what is in force.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Row, insert, select

from core.admin.active_config import ActiveVersions, active_text, read_active_versions
from core.admin.models import CONFIG_FILES, ConfigVersion
from core.config.lists import ConfigError, load_activities
from core.db import audit
from core.db.engine import data_write
from core.localtime import utc
from core.reviews.template import check_template_text
from core.rules import check_config_text, load_rules

RULES, TEMPLATE = CONFIG_FILES
# Both files are a few kilobytes; anything much larger is not a configuration file.
MAX_CONFIG_BYTES = 256 * 1024
# Who stored the file that was in place before the first install from the browser.
ORIGINAL_ACTOR = "system"
ORIGINAL_NOTE = "in place before this install"


@dataclass(frozen=True)
class StoredVersion:
    """One stored version of a configuration file; `uploaded_at` is aware UTC."""

    id: int
    file: str
    content: str
    sha256: str
    uploaded_by: str
    uploaded_at: dt.datetime
    note: str | None


@dataclass(frozen=True)
class Installed:
    """What an install did: the new version's id and hash, and the check's summary."""

    version_id: int
    sha256: str
    summary: str


def sha256_of(text: str) -> str:
    """The SHA-256 of `text` encoded as UTF-8, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode_upload(file: str, data: bytes) -> str:
    """The text of an uploaded file; refuses one too large, not UTF-8 or holding NULs."""
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{file}: the file is {len(data):,} bytes; the limit is {MAX_CONFIG_BYTES:,}"
        )
    try:
        text = data.decode("utf-8-sig")  # a BOM from Notepad is harmless: dropped
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if "\x00" in text:
        raise ConfigError(f"{file}: not a text file (it holds NUL characters)")
    return text


def check_config(config_dir: Path, file: str, text: str, engine: Engine | None = None) -> str:
    """Validates `text` as the new `file` of `config_dir`; returns a one-line summary. The
    other file is the one in force on `engine`'s database (core.admin.active_config), or
    the file in `config_dir` without an engine.

    Raises ConfigError "<file>, line <n>, key '<key>': <problem>" on the first problem.
    """
    if file not in CONFIG_FILES:
        raise ConfigError(f"{file}: not a configuration file ({', '.join(CONFIG_FILES)})")
    versions = ActiveVersions()
    other = TEMPLATE if file == RULES else RULES
    if engine is None:
        other_text = _file_text(config_dir / other)
    else:
        with engine.connect() as conn:
            versions = read_active_versions(conn)
            other_text = active_text(conn, config_dir, other, versions)
    with tempfile.TemporaryDirectory(prefix="fieldbook-config-") as folder:
        candidate = Path(folder) / file
        candidate.write_text(text, encoding="utf-8", newline="")
        # The file in force, as the new one will be checked against it; a stored version
        # is named by its file name, as the file in config/ is.
        other_name = config_dir / other if versions.of(other) is None else Path(other)

        # Messages name the file alone, not the temporary or server folder it sits in.
        def name_only(message: str) -> str:
            for path in (candidate, config_dir / file, config_dir / other):
                message = message.replace(str(path), path.name)
            return message

        try:
            ok, report = _check(config_dir, file, candidate, (other_name, other_text), name_only)
        except ConfigError as exc:  # activities or the active rules unreadable
            raise ConfigError(name_only(str(exc))) from exc
        if not ok:
            raise ConfigError(name_only(report))
        return name_only(report)


def _file_text(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def _check(
    config_dir: Path,
    file: str,
    candidate: Path,
    other: tuple[Path, str | None],
    name_only: Callable[[str], str],
) -> tuple[bool, str]:
    activities = [activity.code for activity in load_activities(config_dir)]
    other_name, other_text = other
    if file == RULES:
        ok, report = check_config_text(candidate, activities)
        if not ok:
            return ok, report
        # The active template must still make sense under the new rules.
        rules = load_rules(candidate, activities)
        if other_text is not None:
            fits, problem = check_template_text(other_name, rules, other_text)
            if not fits:
                return False, (
                    f"{RULES}: the active {TEMPLATE} does not fit these rules: {name_only(problem)}"
                )
        return True, report
    if other_text is None:  # as load_rules says of a missing file
        raise ConfigError(f"{other_name}: file not found")
    return check_template_text(candidate, load_rules(other_name, activities, other_text))


def list_versions(conn: Connection, file: str) -> list[StoredVersion]:
    """Every stored version of `file`, newest first."""
    query = (
        select(ConfigVersion)
        .where(ConfigVersion.file == file)
        .order_by(ConfigVersion.uploaded_at.desc(), ConfigVersion.id.desc())
    )
    return [_stored(row) for row in conn.execute(query)]


def get_version(conn: Connection, version_id: int) -> StoredVersion | None:
    """The stored version with this id, None if there is none."""
    row = conn.execute(select(ConfigVersion).where(ConfigVersion.id == version_id)).first()
    return None if row is None else _stored(row)


def _stored(row: Row[Any]) -> StoredVersion:
    return StoredVersion(
        id=row.id,
        file=row.file,
        content=row.content,
        sha256=row.sha256,
        uploaded_by=row.uploaded_by,
        uploaded_at=utc(row.uploaded_at),
        note=row.note,
    )


def install_config(
    engine: Engine,
    config_dir: Path,
    file: str,
    text: str,
    actor: str,
    now: dt.datetime,
    note: str | None = None,
) -> Installed:
    """Validates `text`, then makes it the active `file` of `config_dir` (see the module
    docstring); raises ConfigError and writes nothing when it is not valid."""
    return _install(engine, config_dir, file, text, actor, now, note, "config.install", None)


def restore_version(
    engine: Engine, config_dir: Path, version_id: int, actor: str, now: dt.datetime
) -> Installed:
    """Makes a stored version the active file again, validated as a new upload would be
    (the other file may have changed since); raises ConfigError when it no longer fits."""
    with engine.connect() as conn:
        version = get_version(conn, version_id)
    if version is None:
        raise ConfigError(f"there is no stored configuration version {version_id}")
    return _install(
        engine,
        config_dir,
        version.file,
        version.content,
        actor,
        now,
        f"restored version {version_id}",
        "config.restore",
        version_id,
    )


def _install(
    engine: Engine,
    config_dir: Path,
    file: str,
    text: str,
    actor: str,
    now: dt.datetime,
    note: str | None,
    action: str,
    restored_from: int | None,
) -> Installed:
    summary = check_config(config_dir, file, text, engine)
    target = config_dir / file
    on_disk = _file_text(target)
    with engine.connect() as conn:
        current = active_text(conn, config_dir, file)
    old_sha = sha256_of(current) if current is not None else None
    new_sha = sha256_of(text)
    at = utc(now)
    replaced = False
    try:
        with data_write(engine) as conn:
            if current is not None and old_sha is not None and not _is_stored(conn, file, old_sha):
                _insert(conn, file, current, old_sha, ORIGINAL_ACTOR, at, ORIGINAL_NOTE)
            # The newest row of a file is the version in force for every process.
            version_id = _insert(conn, file, text, new_sha, actor, at, note)
            after: dict[str, object] = {"sha256": new_sha, "version_id": version_id}
            if restored_from is not None:
                after["restored_from"] = restored_from
            audit.record(
                conn,
                actor=actor,
                action=action,
                entity="config",
                entity_key=file,
                before={"sha256": old_sha},
                after=after,
                at=at,
            )
            # Last step inside the transaction: a failed write rolls the rows back.
            _write_atomically(target, text)
            replaced = True
    except BaseException:
        # The commit failed after the file was replaced: put the old file back.
        if replaced and on_disk is not None:
            _write_atomically(target, on_disk)
        raise
    return Installed(version_id=version_id, sha256=new_sha, summary=summary)


def _is_stored(conn: Connection, file: str, sha: str) -> bool:
    query = select(ConfigVersion.id).where(ConfigVersion.file == file, ConfigVersion.sha256 == sha)
    return conn.execute(query.limit(1)).first() is not None


def _insert(
    conn: Connection,
    file: str,
    text: str,
    sha: str,
    actor: str,
    at: dt.datetime,
    note: str | None,
) -> int:
    result = conn.execute(
        insert(ConfigVersion)
        .values(file=file, content=text, sha256=sha, uploaded_by=actor, uploaded_at=at, note=note)
        .returning(ConfigVersion.id)
    )
    return int(result.scalar_one())


def _write_atomically(target: Path, text: str) -> None:
    # Same folder as the target, so os.replace is a rename on one file system.
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); keep the permissions the old file had.
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        os.chmod(temp_name, mode)
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
