"""The migrations build exactly the models' schema, on both backends, by themselves."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from core.db import make_engine
from core.models import Base
from core.schema import current_revision, ensure_schema, head_revision


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_the_database_is_at_the_newest_revision(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert ensure_schema(engine) is False  # nothing left to do


def test_an_empty_sqlite_file_is_brought_to_the_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(database_url=f"sqlite:///{tmp_path / 'sub' / 'new.db'}")
    assert ensure_schema(engine) is True
    assert {"staff", "loans", "installments", "import_runs"} <= set(
        inspect(engine).get_table_names()
    )


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path) -> None:  # type: ignore[no-untyped-def]
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
