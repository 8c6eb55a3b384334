"""docs/performance.md keeps what each kind of run measured: a medium run rewrites the
report and keeps the large section and the load section; a large run writes its own
section and leaves the rest alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bench.pages import LARGE_TARGETS, MEDIUM_TARGETS, PageTiming, pages_table
from bench.report import LARGE_END, LARGE_START, Measured, large_section, write_report

LOAD = "<!-- load:start -->\n## Under load\n\nthe load table\n<!-- load:end -->\n"


def measured(scale: str, tag: str) -> Measured:
    return Measured(
        scale=scale,
        seed=1,
        end=dt.date(2026, 11, 28),
        rows=29_924_055 if scale == "large" else 2_993_316,
        import_table=f"{tag} import",
        metrics_table=f"{tag} figures",
        field_table=f"{tag} field",
        pages_table=f"{tag} pages",
        pages_database="PostgreSQL" if scale == "large" else "SQLite",
    )


def write(report: Path, scale: str, tag: str) -> str:
    write_report(report, measured(scale, tag), "2026Q3", dt.date(2026, 9, 30), "OF0001")
    return report.read_text(encoding="utf-8")


def test_each_scale_writes_its_part_and_keeps_the_others(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    text = write(report, "medium", "first-medium")
    assert text.startswith("# Performance\n") and "first-medium import" in text
    assert LARGE_START not in text
    report.write_text(text + "\n" + LOAD, encoding="utf-8")

    text = write(report, "large", "large")
    assert text.count(LARGE_START) == 1 and text.count(LARGE_END) == 1
    large = text.split(LARGE_START)[1].split(LARGE_END)[0]
    assert "## At the scale of a provincial union" in large
    assert "29,924,055 rows" in large and "on the PostgreSQL\ndatabase" in large
    assert "large import" in large and "large pages" in large
    assert "first-medium import" in text.split(LARGE_START)[0]  # the medium run stays
    assert LOAD in text

    text = write(report, "medium", "second-medium")
    assert "first-medium" not in text and "second-medium import" in text
    assert LARGE_START + large + LARGE_END in text  # kept as the large run wrote it
    assert text.endswith(LOAD)
    assert text.index("second-medium pages") < text.index(LARGE_START) < text.index(LOAD)

    text = write(report, "large", "again-large")
    assert "again-large import" in text and "large import\n" not in text.replace(
        "again-large import\n", ""
    )
    assert text.count(LARGE_START) == 1 and "second-medium import" in text and LOAD in text


def test_pages_are_judged_by_their_scale_s_targets() -> None:
    # Medium: 1.5 s warm, whatever the first open; large: 1 s warm and 3 s first.
    slow_first = PageTiming("admin", "Portfolio", cold=4.0, warm=0.9)
    slow_warm = PageTiming("admin", "Users", cold=1.0, warm=1.2)
    fast = PageTiming("officer", "My plan", cold=2.9, warm=1.0)
    assert [MEDIUM_TARGETS.met(t) for t in (slow_first, slow_warm, fast)] == [True] * 3
    assert [LARGE_TARGETS.met(t) for t in (slow_first, slow_warm, fast)] == [False, False, True]
    table = pages_table([slow_first, slow_warm, fast], LARGE_TARGETS)
    assert "target (1 s warm, 3 s first)" in table.splitlines()[0]
    verdicts = [line.rsplit("  ", 1)[1].strip() for line in table.splitlines()[2:]]
    assert verdicts == ["MISSES target", "MISSES target", "meets target"]
    words = large_section(measured("large", "x"), "2026Q3", dt.date(2026, 9, 30), "OF0001")
    assert "Target (scale issue): at most 1 s warm and 3 s on its first open." in words
