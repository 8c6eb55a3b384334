"""Drafts of forms on both backends: kept and replaced per person and form, private to
their author, no audit entry and no data version bump, a size limit, old ones removed."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from sqlalchemy import Engine, func, select

from core.db.engine import bump_data_version, read_data_version, write_transaction
from core.db.models import AuditEntry
from core.drafts import (
    KEEP_DAYS,
    MAX_BYTES,
    Draft,
    DraftTooLarge,
    discard_draft,
    drafts_of,
    load_draft,
    save_draft,
)

T0 = dt.datetime(2025, 6, 30, 7, 5, tzinfo=dt.UTC)
VISIT = {
    "borrower": "B2",
    "visited_on": {"date": "2025-06-29"},
    "notes": "答应月底还 — pigs sold",
    "leaving": False,
    "hours": 1.5,
    "next_visit_on": None,
}


def rows(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [
            (r.username, r.form_key)
            for r in conn.execute(select(Draft).order_by(Draft.username, Draft.form_key))
        ]


def test_a_draft_reads_back_exactly_as_saved_with_its_time(engine: Engine) -> None:
    saved = save_draft(engine, "officer", "visits_log", VISIT, now=T0)
    found = load_draft(engine, "officer", "visits_log", now=T0)
    assert found == saved
    assert found is not None
    assert found.values == VISIT
    assert found.saved_at == T0  # aware UTC on both backends
    assert found.saved_at.tzinfo is not None


def test_saving_again_replaces_the_persons_draft_of_that_form(engine: Engine) -> None:
    save_draft(engine, "officer", "visits_log", VISIT, now=T0)
    later = T0 + dt.timedelta(minutes=3)
    save_draft(engine, "officer", "visits_log", {**VISIT, "notes": "第二稿"}, now=later)
    found = load_draft(engine, "officer", "visits_log", now=later)
    assert found is not None
    assert (found.values["notes"], found.saved_at) == ("第二稿", later)
    assert rows(engine) == [("officer", "visits_log")]


def test_a_draft_is_private_to_its_author(engine: Engine) -> None:
    save_draft(engine, "officer", "visits_log", VISIT, now=T0)
    save_draft(engine, "officer2", "visits_log", {"notes": "someone else's"}, now=T0)
    assert load_draft(engine, "leader", "visits_log", now=T0) is None
    assert [d.values for d in drafts_of(engine, "officer2", "", now=T0)] == [
        {"notes": "someone else's"}
    ]
    # Another person's discard removes nothing of the author's.
    assert discard_draft(engine, "leader", "visits_log") is False
    found = load_draft(engine, "officer", "visits_log", now=T0)
    assert found is not None and found.values == VISIT


def test_discarding_removes_only_that_form_and_says_whether_there_was_one(engine: Engine) -> None:
    save_draft(engine, "officer", "visits_log", VISIT, now=T0)
    save_draft(engine, "officer", "time_day/2025-06-30", {"travel": "2"}, now=T0)
    assert discard_draft(engine, "officer", "visits_log") is True
    assert discard_draft(engine, "officer", "visits_log") is False
    assert load_draft(engine, "officer", "visits_log", now=T0) is None
    assert rows(engine) == [("officer", "time_day/2025-06-30")]


def test_drafts_write_no_audit_entry_and_leave_the_data_version_alone(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        bump_data_version(conn)
    with engine.connect() as conn:
        version = read_data_version(conn)
        audited = conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    save_draft(engine, "officer", "visits_log", VISIT, now=T0)
    save_draft(engine, "officer", "visits_log", {**VISIT, "notes": "again"}, now=T0)
    discard_draft(engine, "officer", "visits_log")
    with engine.connect() as conn:
        assert read_data_version(conn) == version
        assert conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == audited


def test_a_draft_over_the_limit_is_refused_and_nothing_is_written(engine: Engine) -> None:
    # {"notes":"..."} is 12 bytes around the text; a Chinese character is 3 bytes of UTF-8.
    fits = {"notes": "x" * (MAX_BYTES - 12)}
    assert len(json.dumps(fits, separators=(",", ":")).encode()) == MAX_BYTES
    save_draft(engine, "officer", "visits_log", fits, now=T0)
    too_big = {"notes": "钱" * (MAX_BYTES // 3)}
    with pytest.raises(DraftTooLarge) as refused:
        save_draft(engine, "officer", "visits_log", too_big, now=T0 + dt.timedelta(seconds=1))
    assert str(refused.value).startswith("A draft holds at most 64 KB of typed text; this one is")
    found = load_draft(engine, "officer", "visits_log", now=T0)
    assert found is not None and found.values == fits  # the earlier draft stays as it was
    with pytest.raises(DraftTooLarge):
        save_draft(engine, "officer", "coaching_new_OF1", {"notes": "x" * MAX_BYTES}, now=T0)
    assert rows(engine) == [("officer", "visits_log")]


def test_a_value_json_cannot_hold_is_a_mistake_said_at_once(engine: Engine) -> None:
    with pytest.raises(TypeError):
        save_draft(engine, "officer", "visits_log", {"visited_on": dt.date(2025, 6, 29)})
    assert rows(engine) == []


def test_old_drafts_are_not_read_and_go_when_any_draft_is_saved(engine: Engine) -> None:
    save_draft(engine, "officer", "visits_log", VISIT, now=T0)
    save_draft(engine, "leader", "coaching_new_OF1", {"agenda": "PAR30"}, now=T0)
    late = T0 + dt.timedelta(days=KEEP_DAYS, seconds=1)
    assert load_draft(engine, "officer", "visits_log", now=late) is None
    assert rows(engine) == [("leader", "coaching_new_OF1"), ("officer", "visits_log")]
    # Still read on its last day...
    assert load_draft(engine, "officer", "visits_log", now=T0 + dt.timedelta(days=KEEP_DAYS))
    # ...and gone, everybody's, as soon as anybody saves a draft after it.
    save_draft(engine, "officer2", "time_day/2025-07-30", {"travel": "1"}, now=late)
    assert rows(engine) == [("officer2", "time_day/2025-07-30")]


def test_a_persons_drafts_by_prefix_come_newest_first_and_underscores_are_no_pattern(
    engine: Engine,
) -> None:
    for minute, key in enumerate(
        ["time_day/2025-06-28", "time_week/2025-06-23", "time_day/2025-06-30", "timeXday/1"]
    ):
        save_draft(engine, "officer", key, {"n": minute}, now=T0 + dt.timedelta(minutes=minute))
    save_draft(engine, "officer2", "time_day/2025-06-29", {"n": 9}, now=T0)
    assert [d.form_key for d in drafts_of(engine, "officer", "time_day/", now=T0)] == [
        "time_day/2025-06-30",
        "time_day/2025-06-28",
    ]
    assert [d.form_key for d in drafts_of(engine, "officer", "time_", now=T0)] == [
        "time_day/2025-06-30",
        "time_week/2025-06-23",
        "time_day/2025-06-28",
    ]


def test_two_saves_of_one_draft_at_once_leave_one_row(engine: Engine) -> None:
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            for i in range(5):
                save_draft(engine, "officer", "visits_log", {"n": n, "i": i}, now=T0)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert rows(engine) == [("officer", "visits_log")]
    found = load_draft(engine, "officer", "visits_log", now=T0)
    assert found is not None and found.values["i"] == 4
