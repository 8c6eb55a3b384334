"""Fitting today's early warning in a process of its own, after a large import.

The fit reads the whole history into arrays (about 1 GB at a provincial union's scale).
An import's own process keeps much of its peak memory after the commit (the allocator does
not hand it back), so fitting there stacks one peak on the other: 1.8 GB measured on the
large demo. A fresh process starts from nothing, and gives everything back when it ends,
which matters most when the import ran inside the app's server. Small histories are fit
in the importing process: a child's start-up would cost more than the fit.

`python -m core.warning.child HORIZON MIN_TRAINING_DAYS` fits and keeps today's warning on
the DATABASE_URL of its environment (passed there, not on the command line, which other
users of the machine can read).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from sqlalchemy import Engine, func, select

from core.db.engine import make_engine
from core.db.models import Loan
from core.paths import PROJECT_ROOT
from core.warning.store import keep_todays_warning

# From this many loans an import fits in a child process (the large demo has 711,159; the
# medium one, fit in-process in a few seconds, 71,000).
CHILD_FROM_LOANS = 200_000

log = logging.getLogger(__name__)


def fit_after_import(
    engine: Engine, data_written: bool, horizon_days: int, min_training_days: int
) -> None:
    """keep_todays_warning, in a child process when the history is large. A child that
    fails is logged and leaves the kept model as it was: the import itself is committed."""
    with engine.connect() as conn:
        loans = conn.execute(select(func.count()).select_from(Loan)).scalar_one()
    if loans < CHILD_FROM_LOANS:
        keep_todays_warning(engine, data_written, horizon_days, min_training_days)
        return
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    command = [sys.executable, "-m", "core.warning.child", str(horizon_days)]
    done = subprocess.run(
        [*command, str(min_training_days), "1" if data_written else "0"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        log.error("the early warning's fit failed; the kept model stays: %s", done.stderr[-2000:])


def main(argv: list[str]) -> int:
    """The child: fits and keeps today's warning, then ends."""
    horizon, min_days, written = (int(value) for value in argv)
    engine = make_engine(database_url=os.environ["DATABASE_URL"])
    try:
        keep_todays_warning(engine, bool(written), horizon, min_days)
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
