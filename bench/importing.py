"""Import benchmark: the demo's CSV files through `python -m core import`, in a child
process, so that its time and peak memory are the command's own."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from core.config.lists import load_activities
from core.demo import generate_demo
from core.demo.generator import GENERATOR_VERSION
from core.paths import CONFIG_DIR, PROJECT_ROOT


@dataclass(frozen=True)
class ImportRun:
    """One measured import command."""

    label: str
    seconds: float
    peak_mb: float
    first_import: bool


def demo_folder(work: Path, scale: str, seed: int, end: dt.date) -> tuple[Path, int]:
    """The demo's CSV files, generated once per (scale, seed, end) and generator version;
    returns folder and rows."""
    folder = work / f"demo-{scale}-seed{seed}-{end.isoformat()}-v{GENERATOR_VERSION}"
    marker = folder / "rows.json"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        activities = [a.code for a in load_activities(CONFIG_DIR)]
        print(f"generating the {scale} demo into {folder} ...", flush=True)
        counts = generate_demo(folder, scale=scale, seed=seed, end=end, activities=activities)
        marker.write_text(json.dumps(counts), encoding="utf-8")
    return folder, sum(json.loads(marker.read_text(encoding="utf-8")).values())


def measure_imports(folder: Path, sqlite_url: str, postgres_url: str | None) -> list[ImportRun]:
    """First import and re-import on SQLite, and on PostgreSQL when a URL is given."""
    runs = [
        _measure("SQLite, first import", folder, sqlite_url, True),
        _measure("SQLite, re-import", folder, sqlite_url, False),
    ]
    if postgres_url:
        runs += [
            _measure("PostgreSQL, first import", folder, postgres_url, True),
            _measure("PostgreSQL, re-import", folder, postgres_url, False),
        ]
    return runs


def _measure(label: str, folder: Path, url: str, first: bool) -> ImportRun:
    print(f"{label} ...", flush=True)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "core", "import", str(folder)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    output = (child.stdout.read() if child.stdout else "") + (
        child.stderr.read() if child.stderr else ""
    )
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{label} failed:\n{output}")
    # ru_maxrss is in kilobytes on Linux.
    run = ImportRun(label, seconds, usage.ru_maxrss / 1024, first)
    print(f"  {seconds:.1f} s, peak {run.peak_mb:,.0f} MB", flush=True)
    return run


def create_database(admin_url: str, name: str) -> None:
    """CREATE DATABASE on a PostgreSQL server."""
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
