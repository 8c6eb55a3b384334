"""Writes a whole demo cooperative: staff first, then each officer's portfolio, then the
time sheets. Everything follows from the seed and the end date, nothing else.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from pathlib import Path

from core.demo.dates import IsoDays, add_months
from core.demo.organisation import build_organisation
from core.demo.portfolio import Counters, Period, write_portfolio
from core.demo.scales import SCALES
from core.demo.timelog import write_time_log
from core.demo.writer import CsvSink

ProgressCallback = Callable[[str, int], None]
# Raised whenever the same seed starts giving other files (2: signs before defaults and
# hard times in groups, docs/demo.md), so that kept copies of a demo are made again.
GENERATOR_VERSION = 2

# Days either side of the history that get their ISO text precomputed: hiring dates
# reach years back, schedules run up to two years past the end.
_ISO_DAYS_BEFORE = 5_000
_ISO_DAYS_AFTER = 800


def _activity_codes(activities: Sequence[str]) -> list[str]:
    if isinstance(activities, str):
        raise TypeError("activities must be a sequence of activity codes, not one string")
    codes = list(dict.fromkeys(code.strip() for code in activities))
    if not codes:
        raise ValueError("activities must name at least one activity code")
    bad = [code for code in codes if not code or len(code) > 64]
    if bad:
        raise ValueError(f"activity codes must be 1 to 64 characters: {bad!r}")
    return codes


def generate_demo(
    out_dir: Path,
    *,
    scale: str = "small",
    seed: int = 1,
    end: datetime.date,
    activities: Sequence[str],
    progress: ProgressCallback | None = None,
) -> dict[str, int]:
    """Writes the eight import-format CSV files into out_dir (created if missing) and
    returns the number of data rows written per file name (e.g. {"staff.csv": 27, ...}).

    The same scale, seed, end and activities always give byte-identical files. Nothing is
    dated after `end` except installment due dates. `progress(stage, rows_done)` is called
    after each step: the stage is the file being filled ("staff.csv", "borrowers.csv" while
    portfolios are written, "time_log.csv") or "done", with that file's rows so far (for
    "done", all rows). The files appear only when all of them are complete.
    """
    spec = SCALES.get(scale)
    if spec is None:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    codes = _activity_codes(activities)
    end_day = end.toordinal()
    history_start = add_months(end_day, -spec.history_months)
    rng = random.Random(seed)
    org = build_organisation(rng, spec, history_start, end_day, codes)
    iso = IsoDays(history_start - _ISO_DAYS_BEFORE, end_day + _ISO_DAYS_AFTER)
    period = Period(history_start, end_day, iso)

    def report(stage: str, rows_done: int) -> None:
        if progress is not None:
            progress(stage, rows_done)

    with CsvSink(Path(out_dir)) as sink:
        sink.write("staff.csv", org.staff_rows)
        report("staff.csv", sink.counts["staff.csv"])
        counters = Counters()
        for officer in org.officers:
            write_portfolio(officer, org, period, counters, sink)
            report("borrowers.csv", sink.counts["borrowers.csv"])
        for officer in org.officers:
            write_time_log(officer, codes, end_day, iso, sink)
            report("time_log.csv", sink.counts["time_log.csv"])
    counts = dict(sink.counts)
    report("done", sum(counts.values()))
    return counts
