"""The migrations build exactly the models' schema, on both backends, by themselves."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from core.db.engine import make_engine
from core.db.schema import current_revision, ensure_schema, head_revision
from core.db.tables import all_tables


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, all_tables()) == []


def test_the_database_is_at_the_newest_revision(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert ensure_schema(engine) is False  # nothing left to do


def test_an_empty_sqlite_file_is_brought_to_the_schema(tmp_path) -> None:
    engine = make_engine(database_url=f"sqlite:///{tmp_path / 'sub' / 'new.db'}")
    assert ensure_schema(engine) is True
    assert {"staff", "loans", "installments", "import_runs"} <= set(
        inspect(engine).get_table_names()
    )


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path) -> None:
    engine = make_engine(database_url=f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_upgrading_a_database_holding_loans_fills_the_derived_columns(
    empty_database_url: str,
) -> None:
    # A database made by the first schema (before the derived columns) with one loan:
    # 3,000.00 in three installments, repaid 1,000.00 on 03-01 and 2,000.00 on 04-05.
    engine = make_engine(database_url=empty_database_url)
    ensure_schema(engine, revision="0001")
    with engine.begin() as conn:
        for sql in (
            "INSERT INTO staff (id, staff_code, name, role, branch, team) "
            "VALUES (1, 'OF1', 'A', 'officer', 'B', 'T')",
            "INSERT INTO borrowers (id, borrower_code, name, officer_id, village, joined_on) "
            "VALUES (1, 'B1', 'C', 1, 'V', '2025-01-01')",
            "INSERT INTO training_days (id, borrower_id, attended_on) VALUES (1, 1, '2025-01-05')",
            "INSERT INTO loans (id, loan_code, borrower_id, officer_id, disbursed_on, "
            "principal_cents) VALUES (1, 'L1', 1, 1, '2025-02-01', 300000)",
            "INSERT INTO installments (id, loan_id, seq, due_date, principal_due_cents, "
            "principal_before_cents) VALUES (1, 1, 1, '2025-03-01', 100000, 0), "
            "(2, 1, 2, '2025-04-01', 100000, 100000), (3, 1, 3, '2025-05-01', 100000, 200000)",
            "INSERT INTO repayments (id, loan_id, paid_on, principal_paid_cents) "
            "VALUES (1, 1, '2025-03-01', 100000), (2, 1, '2025-04-05', 200000)",
        ):
            conn.execute(text(sql))
    assert ensure_schema(engine) is True
    with engine.connect() as conn:
        assert [
            tuple(r)
            for r in conn.execute(
                text("SELECT CAST(covered_on AS TEXT) FROM installments ORDER BY seq")
            )
        ] == [("2025-03-01",), ("2025-04-05",), ("2025-04-05",)]
        assert tuple(
            conn.execute(
                text("SELECT CAST(repaid_on AS TEXT), training_days, is_first_loan FROM loans")
            ).one()
        ) in (("2025-04-05", 1, True), ("2025-04-05", 1, 1))
        assert [
            r[0] for r in conn.execute(text("SELECT paid_cum_cents FROM repayments ORDER BY id"))
        ] == [100000, 300000]
    engine.dispose()


def _audit_row(n: int, action: str, key: str, before: str | None, after: str | None) -> str:
    def quoted(value: str | None) -> str:
        return "NULL" if value is None else f"'{value}'"

    return (
        "INSERT INTO audit_log (at, actor, action, entity, entity_key, before, after) VALUES "
        f"('2025-05-01 08:{n:02d}:00', 'of1', '{action}', '{action.split('.')[0]}', '{key}', "
        f"{quoted(before)}, {quoted(after)})"
    )


def _visit_record(borrower: str, day: str, purpose: str, outcome: str) -> str:
    return (
        f'{{"borrower": "{borrower}", "officer": "OF1", "visited_on": "{day}", '
        f'"purpose": "{purpose}", "outcome": "{outcome}", "notes": null}}'
    )


def test_upgrading_marks_the_apps_visits_and_hours_from_the_audit_trail_and_keeps_every_row(
    empty_database_url: str,
) -> None:
    # A database at 0007 (one row per key) whose rows came from imports and from the app.
    engine = make_engine(database_url=empty_database_url)
    ensure_schema(engine, revision="0007")
    hours = "INSERT INTO time_log (officer_id, work_date, activity, hours_hundredths) VALUES "
    visit = "INSERT INTO visits (officer_id, borrower_id, visited_on, purpose, outcome) VALUES "
    with engine.begin() as conn:
        for sql in (
            "INSERT INTO staff (id, staff_code, name, role, branch, team) "
            "VALUES (1, 'OF1', 'A', 'officer', 'B', 'T')",
            "INSERT INTO borrowers (id, borrower_code, name, officer_id, village, joined_on) "
            "VALUES (1, 'B1', 'C', 1, 'V', '2025-01-01'), (2, 'B2', 'D', 1, 'V', '2025-01-01')",
            hours + "(1, '2025-04-03', 'collection', 400)",  # imported
            hours + "(1, '2025-04-03', 'office', 350)",  # made in the app
            hours + "(1, '2025-04-04', 'travel', 200)",  # imported, then changed in the app
            hours + "(1, '2025-04-05', 'appraisal', 500)",  # the app's 4.00, then an import's
            hours + "(1, '2025-04-06', 'learning', 100)",  # the app's, deleted, then imported
            _audit_row(1, "time.set", "OF1/2025-04-03/office", None, '{"hours": "3.50"}'),
            _audit_row(
                2, "time.set", "OF1/2025-04-04/travel", '{"hours": "1.00"}', '{"hours": "2.00"}'
            ),
            _audit_row(3, "time.set", "OF1/2025-04-05/appraisal", None, '{"hours": "4.00"}'),
            _audit_row(4, "time.set", "OF1/2025-04-06/learning", None, '{"hours": "1.00"}'),
            _audit_row(5, "time.delete", "OF1/2025-04-06/learning", '{"hours": "1.00"}', None),
            visit + "(1, 1, '2025-04-03', 'collection', 'ok')",  # imported
            visit + "(1, 1, '2025-04-04', 'return_visit', 'paid')",  # logged in the app
            visit + "(1, 2, '2025-04-06', 'other', 'ok')",  # logged for 04-05, moved in the app
            visit + "(1, 1, '2025-04-07', 'collection', 'promised')",  # imported, then edited
            _audit_row(
                6,
                "visit.add",
                "B1/2025-04-04/return_visit",
                None,
                _visit_record("B1", "2025-04-04", "return_visit", "paid"),
            ),
            _audit_row(
                7,
                "visit.add",
                "B2/2025-04-05/other",
                None,
                _visit_record("B2", "2025-04-05", "other", "ok"),
            ),
            _audit_row(
                8,
                "visit.edit",
                "B2/2025-04-06/other",
                _visit_record("B2", "2025-04-05", "other", "ok"),
                _visit_record("B2", "2025-04-06", "other", "ok"),
            ),
            _audit_row(
                9,
                "visit.edit",
                "B1/2025-04-07/collection",
                _visit_record("B1", "2025-04-07", "collection", "unable"),
                _visit_record("B1", "2025-04-07", "collection", "promised"),
            ),
        ):
            conn.execute(text(sql))
    assert ensure_schema(engine) is True
    with engine.begin() as conn:
        hours_now = [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT CAST(work_date AS TEXT), activity, hours_hundredths, source "
                    "FROM time_log ORDER BY work_date, activity"
                )
            )
        ]
        visits_now = [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT borrower_id, CAST(visited_on AS TEXT), outcome, source "
                    "FROM visits ORDER BY visited_on"
                )
            )
        ]
        # The one-row-per-key constraints are gone: an event may repeat.
        conn.execute(text(hours + "(1, '2025-04-03', 'collection', 400)"))
        conn.execute(text(visit + "(1, 1, '2025-04-03', 'collection', 'ok')"))
    assert hours_now == [
        ("2025-04-03", "collection", 400, "import"),
        ("2025-04-03", "office", 350, "app"),
        ("2025-04-04", "travel", 200, "import"),
        ("2025-04-05", "appraisal", 500, "import"),
        ("2025-04-06", "learning", 100, "import"),
    ]
    assert visits_now == [
        (1, "2025-04-03", "ok", "import"),
        (1, "2025-04-04", "paid", "app"),
        (2, "2025-04-06", "ok", "app"),
        (1, "2025-04-07", "promised", "import"),
    ]
    engine.dispose()
