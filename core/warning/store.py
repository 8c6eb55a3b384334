"""Keeping the early warning's fitted model: fit it for a day (an import does, for today,
and `python -m core warnings --fit`), store it with the data version it read, and read back
the model the screens score with."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from core.db.engine import keep_if_unchanged, read_data_version
from core.localtime import local_today
from core.warning.model import Model
from core.warning.models import WarningModel
from core.warning.run import WarningRun, compute_warnings

# Fits kept per horizon: the latest few days (a past day asked for on the command line
# must not push out today's).
KEEP_FITS = 12


@dataclass(frozen=True)
class StoredWarning:
    """A fitted warning as kept: the day, horizon and data version it came from, the model,
    what its fit saw (the command's "model" object) and the backtest."""

    as_of: dt.date
    horizon_days: int
    min_training_days: int
    built_version: int
    built_at: dt.datetime
    model: Model
    summary: dict[str, Any]
    backtest: dict[str, Any]


def store_warning(conn: Connection, run: WarningRun, min_training_days: int, version: int) -> None:
    """Stores `run`'s model in the caller's write transaction, replacing one for the same
    day and horizon, and forgets all but the KEEP_FITS latest days of that horizon."""
    conn.execute(
        delete(WarningModel).where(
            WarningModel.as_of == run.as_of, WarningModel.horizon_days == run.horizon_days
        )
    )
    conn.execute(
        insert(WarningModel).values(
            as_of=run.as_of,
            horizon_days=run.horizon_days,
            min_training_days=min_training_days,
            built_at=dt.datetime.now(dt.UTC),
            built_version=version,
            model=json.dumps(run.model.to_json(), sort_keys=True),
            summary=json.dumps(run.summary, sort_keys=True),
            backtest=json.dumps(run.backtest, sort_keys=True),
        )
    )
    kept = (
        select(WarningModel.as_of)
        .where(WarningModel.horizon_days == run.horizon_days)
        .order_by(WarningModel.as_of.desc())
        .limit(KEEP_FITS)
    )
    conn.execute(
        delete(WarningModel).where(
            WarningModel.horizon_days == run.horizon_days, WarningModel.as_of.not_in(kept)
        )
    )


def _stored(row: Any) -> StoredWarning:
    return StoredWarning(
        as_of=row.as_of,
        horizon_days=row.horizon_days,
        min_training_days=row.min_training_days,
        built_version=row.built_version,
        built_at=row.built_at,
        model=Model.from_json(json.loads(row.model)),
        summary=json.loads(row.summary),
        backtest=json.loads(row.backtest),
    )


def stored_warning(
    conn: Connection,
    horizon_days: int,
    as_of: dt.date | None = None,
    *,
    until: dt.date | None = None,
) -> StoredWarning | None:
    """The model kept for `as_of` (or, without it, the latest day's, on or before `until`
    when given) and this horizon."""
    query = select(WarningModel).where(WarningModel.horizon_days == horizon_days)
    if as_of is not None:
        query = query.where(WarningModel.as_of == as_of)
    if until is not None:
        query = query.where(WarningModel.as_of <= until)
    row = conn.execute(query.order_by(WarningModel.as_of.desc()).limit(1)).first()
    return None if row is None else _stored(row)


def keep_warning(
    engine: Engine, as_of: dt.date, horizon_days: int, min_training_days: int
) -> WarningRun | None:
    """Fits the warning for `as_of` on a read connection and stores it, unless the data
    changed meanwhile (then nothing is stored and None returned: the next fit will)."""
    with engine.connect() as conn:
        version = read_data_version(conn)
        run = compute_warnings(conn, as_of, horizon_days, min_training_days)
    stored = keep_if_unchanged(
        engine,
        version,
        lambda write: store_warning(write, run, min_training_days, version),
        "the early warning's model",
    )
    return run if stored else None


def keep_todays_warning(
    engine: Engine, data_written: bool, horizon_days: int, min_training_days: int
) -> None:
    """After an import: fits and keeps today's warning when the import wrote data, or when
    none is kept for today with the data as it is."""
    today = local_today()
    if not data_written:
        with engine.connect() as conn:
            stored = stored_warning(conn, horizon_days, today)
            if stored is not None and stored.built_version == read_data_version(conn):
                return
    keep_warning(engine, today, horizon_days, min_training_days)
