"""The import page's pieces: checking uploads, running the importer on them, and the
tables of problems, counts and history.

Uploads are written to a fresh temporary folder (never the data folder), handed to the
same importer as `python -m core import`, and removed afterwards. Functions taking
(name, bytes) pairs are independent of the uploader widget, so tests can call them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy import Connection

from app.downloads import file_download
from app.i18n import current_language, date_time, number, t, zone_name
from app.people import names_of, person
from app.resources import get_activities, get_engine, get_rules, scoped_cache
from core.auth.scope import Scope
from core.db.errors import DiskFull, is_disk_full
from core.importer import ImportResult, UnreadableInput, run_import
from core.importer.history import ImportRunRow, load_import_history
from core.importer.messages import Worded, wording
from core.importer.spec import TABLES
from core.metrics.report import inert
from core.settings import load_settings

Upload = tuple[str, bytes]
ALLOWED_SUFFIXES = (".csv", ".xlsx")
STAGES = ("checking", "writing", "deriving")
MAX_PROBLEMS_SHOWN = 1000


def max_upload_mb() -> int:
    """The size limit of one uploaded file (FIELDBOOK_MAX_UPLOAD_MB)."""
    return load_settings().max_upload_mb


def refusals(files: Sequence[Upload], limit_mb: int) -> list[str]:
    """Every reason to refuse these uploads before the importer sees them ([] if none)."""
    problems: list[str] = []
    seen: set[str] = set()
    for name, data in files:
        suffix = Path(name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            problems.append(t("admin_import.refused.type", file=name))
        elif len(data) > limit_mb * 1024 * 1024:
            size = f"{len(data) / (1024 * 1024):.1f}"
            problems.append(t("admin_import.refused.size", file=name, size=size, limit=limit_mb))
        # Two files of one name would overwrite each other in the temporary folder.
        if Path(name).name.lower() in seen:
            problems.append(t("admin_import.refused.duplicate", file=name))
        seen.add(Path(name).name.lower())
    workbooks = [name for name, _ in files if Path(name).suffix.lower() == ".xlsx"]
    if workbooks and len(files) > 1:
        problems.append(t("admin_import.refused.mixed"))
    return problems


def fingerprint(files: Sequence[Upload]) -> str:
    """A digest of the uploads' names and contents: the Import button needs a clean dry
    run of exactly these files."""
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


class BarProgress:
    """The importer's progress(stage, done, total) callback drawing an st.progress bar."""

    def __init__(self) -> None:
        self._bar = st.progress(0.0, text=t("admin_import.stage.start"))

    def __call__(self, stage: str, done: int, total: int) -> None:
        verb, _, table = stage.partition(" ")
        name = t(f"admin_import.table.{table}") if table in TABLES else table
        text = t(f"admin_import.stage.{verb}", table=name) if verb in STAGES else stage
        fraction = min(1.0, done / total) if total else 0.0
        self._bar.progress(fraction, text=text)

    def finish(self) -> None:
        """Fills the bar when the import is over."""
        self._bar.progress(1.0, text=t("admin_import.stage.done"))


def run_uploads(
    files: Sequence[Upload],
    *,
    dry_run: bool,
    actor: str,
    progress: BarProgress | None = None,
) -> ImportResult | str:
    """Runs the importer on the uploads; a text when the input is not readable at all or
    the disk is full (never the database's own words: they hold SQL and row values).

    One workbook is imported as a workbook; CSV files as a folder of CSV files.
    """
    activities = [a.code for a in get_activities()]
    folder = Path(tempfile.mkdtemp(prefix="fieldbook-upload-"))
    try:
        for name, data in files:
            (folder / Path(name).name).write_bytes(data)
        names = [Path(name).name for name, _ in files]
        path = folder / names[0] if names[0].lower().endswith(".xlsx") else folder
        try:
            return run_import(
                get_engine(),
                path,
                activities=activities,
                dry_run=dry_run,
                progress=progress,
                actor=actor,
                # The temporary folder means nothing in the history and the audit trail.
                source_label=", ".join(names),
                params=get_rules().params,
                warning=get_rules().warning,
            )
        except UnreadableInput as exc:
            return _unreadable(exc, folder, names)
    except (DiskFull, OSError) as exc:  # the database's disk, or the uploads' folder's
        if not is_disk_full(exc):
            raise
        return t("admin_import.refused.disk_full")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _unreadable(refusal: UnreadableInput, folder: Path, names: list[str]) -> str:
    # The importer names the path it was given: the temporary folder means nothing to
    # the person who uploaded, so say which files were uploaded instead.
    if refusal.values.get("path") == str(folder):
        return t(
            "admin_import.refused.no_tables",
            files=", ".join(names),
            expected=", ".join(f"{table}.csv" for table in TABLES),
        )
    values = {
        name: value.replace(f"{folder}/", "") if isinstance(value, str) else value
        for name, value in refusal.values.items()
    }
    reason = wording(refusal.code, values, current_language())
    return t("admin_import.refused.unreadable", reason=reason)


def in_language(message: Worded) -> str:
    """An importer problem, warning or refusal in the viewer's language."""
    return message.text(current_language())


def render_problems(result: ImportResult) -> None:
    """The refusal: how many problems, a table of them (values as text) and a download."""
    problems = result.problems
    files = len({p.file for p in problems})
    st.error(t("admin_import.problems", count=number(len(problems)), files=number(files)))
    shown = problems[:MAX_PROBLEMS_SHOWN]
    st.dataframe(
        pd.DataFrame(
            {
                t("admin_import.col.file"): [p.file for p in shown],
                t("admin_import.col.line"): [p.line for p in shown],
                t("admin_import.col.column"): [p.column for p in shown],
                t("admin_import.col.value"): [str(p.value) for p in shown],
                t("admin_import.col.problem"): [in_language(p) for p in shown],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if len(problems) > MAX_PROBLEMS_SHOWN:
        st.caption(t("admin_import.more_problems", count=number(len(problems) - len(shown))))
    file_download(
        t("admin_import.download_problems"),
        lambda: problem_csv(result),
        file_name="import-problems.csv",
        mime="text/csv",
        key="admin_import_problems_csv",
        icon=":material/download:",
    )


def problem_csv(result: ImportResult) -> bytes:
    """Every problem as CSV (UTF-8 with BOM for spreadsheets; input values kept inert)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "line", "column", "value", "problem"])
    for p in result.problems:
        # A message can start with a code from the file ("OF1's hours on ..."): inert too.
        message = inert(in_language(p))
        writer.writerow([inert(p.file), p.line, inert(p.column), inert(p.value), message])
    return buffer.getvalue().encode("utf-8-sig")


def render_counts(result: ImportResult) -> None:
    """Rows added, changed, replaced and left unchanged per table, with a total line and
    what "replaced" means."""
    names = [t(f"admin_import.table.{table}") for table in result.counts]
    counts = list(result.counts.values())
    st.dataframe(
        pd.DataFrame(
            {
                t("admin_import.col.table"): [*names, t("admin_import.total")],
                t("admin_import.col.added"): [c.added for c in counts]
                + [sum(c.added for c in counts)],
                t("admin_import.col.changed"): [c.changed for c in counts]
                + [sum(c.changed for c in counts)],
                t("admin_import.col.replaced"): [c.replaced for c in counts]
                + [sum(c.replaced for c in counts)],
                t("admin_import.col.unchanged"): [c.unchanged for c in counts]
                + [sum(c.unchanged for c in counts)],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(t("admin_import.counts_note"))
    for warning in result.warnings:
        st.text(t("admin_import.warning", text=in_language(warning)))


@scoped_cache(ttl=600, max_entries=16)
def cached_history(conn: Connection, scope: Scope, version: int) -> list[ImportRunRow]:
    """The import history for the scope (admins: everything), per data version."""
    return load_import_history(conn, scope)


def render_history(runs: list[ImportRunRow]) -> None:
    """Who imported what, when, with what result."""
    if not runs:
        st.info(t("admin_import.history_empty"))
        return
    names = names_of(r.actor for r in runs)
    st.dataframe(
        pd.DataFrame(
            {
                t("admin_import.col.when"): [date_time(r.started_at) for r in runs],
                t("admin_import.col.who"): [
                    person(r.actor, names) if r.actor else t("admin_import.cli") for r in runs
                ],
                t("admin_import.col.files"): [", ".join(r.files) for r in runs],
                t("admin_import.col.result"): [t(f"admin_import.status.{r.status}") for r in runs],
                t("admin_import.col.added"): [r.added for r in runs],
                t("admin_import.col.changed"): [r.changed for r in runs],
                t("admin_import.col.replaced"): [r.replaced for r in runs],
                t("admin_import.col.unchanged"): [r.unchanged for r in runs],
                t("admin_import.col.problems"): [r.problems for r in runs],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(t("times.zone", zone=zone_name()))
