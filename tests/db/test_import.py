"""Importing valid portfolios: exact values stored, re-import idempotent, partial imports."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from core.importer.spec import SPECS
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import counts, do_import, snapshot


def _scalar_rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def test_first_import_adds_every_row(engine: Engine, tmp_path: Path) -> None:
    result = do_import(engine, write_folder(tmp_path / "in", base_portfolio()))
    assert result.ok, result.problems
    assert counts(result) == {
        "staff": (4, 0, 0, 0),
        "borrowers": (3, 0, 0, 0),
        "training": (6, 0, 0, 0),
        "loans": (2, 0, 0, 0),
        "installments": (5, 0, 0, 0),
        "repayments": (4, 0, 0, 0),
        "visits": (2, 0, 0, 0),
        "time_log": (3, 0, 0, 0),
    }


def test_money_is_stored_as_exact_cents(engine: Engine, tmp_path: Path) -> None:
    do_import(engine, write_folder(tmp_path / "in", base_portfolio()))
    assert _scalar_rows(engine, "SELECT loan_code, principal_cents FROM loans ORDER BY 1") == [
        ("L1", 300000),
        ("L2", 500050),
    ]
    assert _scalar_rows(
        engine,
        "SELECT l.loan_code, i.seq, i.principal_due_cents, i.interest_due_cents, "
        "i.principal_before_cents FROM installments i JOIN loans l ON l.id = i.loan_id "
        "ORDER BY 1, 2",
    ) == [
        ("L1", 1, 100000, 2125, 0),
        ("L1", 2, 100000, 1417, 100000),
        ("L1", 3, 100000, 708, 200000),
        ("L2", 1, 250025, None, 0),
        ("L2", 2, 250025, None, 250025),
    ]
    assert _scalar_rows(
        engine,
        "SELECT s.staff_code, t.activity, t.hours_hundredths FROM time_log t "
        "JOIN staff s ON s.id = t.officer_id ORDER BY 1, 2",
    ) == [("OF1", "collection", 400), ("OF1", "office", 350), ("OF2", "appraisal", 725)]


def test_codes_become_links_between_rows(engine: Engine, tmp_path: Path) -> None:
    do_import(engine, write_folder(tmp_path / "in", base_portfolio()))
    assert _scalar_rows(
        engine,
        "SELECT l.loan_code, b.borrower_code, s.staff_code, CAST(l.disbursed_on AS TEXT), "
        "l.appraisal_grade, CAST(l.written_off_on AS TEXT) FROM loans l "
        "JOIN borrowers b ON b.id = l.borrower_id JOIN staff s ON s.id = l.officer_id "
        "ORDER BY 1",
    ) == [
        ("L1", "B1", "OF1", "2025-02-01", "B", None),
        ("L2", "B2", "OF1", "2025-02-10", "C", "2025-09-30"),
    ]
    assert _scalar_rows(
        engine,
        "SELECT b.borrower_code, COUNT(*), COUNT(t.trainer_id) FROM training_days t "
        "JOIN borrowers b ON b.id = t.borrower_id GROUP BY b.borrower_code ORDER BY 1",
    ) == [("B1", 5, 5), ("B2", 1, 0)]


def test_reimporting_the_same_files_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", base_portfolio())
    do_import(engine, folder)
    before = snapshot(engine)
    again = do_import(engine, folder)
    assert again.ok
    assert all(c[:3] == (0, 0, 0) for c in counts(again).values())
    assert counts(again)["repayments"] == (0, 0, 0, 4)
    assert snapshot(engine) == before


def test_a_changed_row_updates_the_row_it_matches_and_a_changed_event_replaces_its_group(
    engine: Engine, tmp_path: Path
) -> None:
    do_import(engine, write_folder(tmp_path / "first", base_portfolio()))
    changed = base_portfolio()
    changed["borrowers"][2]["officer_code"] = "OF1"
    changed["visits"][0]["outcome"] = "unable"
    changed["time_log"][2]["hours"] = "6"
    result = do_import(engine, write_folder(tmp_path / "second", changed))
    assert counts(result)["borrowers"] == (0, 1, 0, 2)
    # Events have no code: the visit's day for that officer and borrower, and OF2's day,
    # come with other rows, which replace the stored ones; OF1's day is kept.
    assert counts(result)["visits"] == (1, 0, 1, 1)
    assert counts(result)["time_log"] == (1, 0, 1, 2)
    assert _scalar_rows(
        engine,
        "SELECT s.staff_code FROM borrowers b JOIN staff s ON s.id = b.officer_id "
        "WHERE b.borrower_code = 'B3'",
    ) == [("OF1",)]
    assert _scalar_rows(engine, "SELECT outcome FROM visits WHERE purpose = 'collection'") == [
        ("unable",)
    ]


def test_a_rescheduled_loan_recomputes_the_running_principal(
    engine: Engine, tmp_path: Path
) -> None:
    do_import(engine, write_folder(tmp_path / "first", base_portfolio()))
    tables = base_portfolio()
    # Installment 3 now falls due before installment 2: the allocation order changes.
    tables["installments"][2]["due_date"] = "2025-03-15"
    result = do_import(
        engine, write_folder(tmp_path / "second", {"installments": tables["installments"]})
    )
    assert counts(result)["installments"] == (0, 2, 0, 3)
    assert _scalar_rows(
        engine,
        "SELECT seq, principal_before_cents FROM installments WHERE loan_id = "
        "(SELECT id FROM loans WHERE loan_code = 'L1') ORDER BY seq",
    ) == [(1, 0), (2, 200000), (3, 100000)]


def test_a_month_of_repayments_alone_imports_against_stored_loans(
    engine: Engine, tmp_path: Path
) -> None:
    do_import(engine, write_folder(tmp_path / "first", base_portfolio()))
    month = {
        "repayments": [
            {
                "loan_code": "L1",
                "paid_on": "2025-05-01",
                "principal_paid": "1000.00",
                "interest_paid": "7.08",
                "receipt_no": "R3",
            },
            {
                "loan_code": "L2",
                "paid_on": "2025-05-02",
                "principal_paid": "300.00",
                "interest_paid": "",
                "receipt_no": "",
            },
        ]
    }
    result = do_import(engine, write_folder(tmp_path / "may", month))
    assert result.ok, result.problems
    assert counts(result) == {"repayments": (2, 0, 0, 0)}
    assert _scalar_rows(engine, "SELECT COUNT(*), SUM(principal_paid_cents) FROM repayments") == [
        (6, 450000)
    ]


def test_repayments_without_receipts_replace_that_loans_day(engine: Engine, tmp_path: Path) -> None:
    do_import(engine, write_folder(tmp_path / "first", base_portfolio()))
    # L1 on 2025-04-05: two payments of 500.00 without receipt. A corrected export of
    # that day holds one payment of 1,000.00: it replaces both, not joins them.
    corrected = {**base_portfolio()["repayments"][1], "principal_paid": "1000.00"}
    result = do_import(engine, write_folder(tmp_path / "one", {"repayments": [corrected]}))
    assert result.ok, result.problems
    assert counts(result) == {"repayments": (1, 0, 2, 0)}
    assert _scalar_rows(
        engine,
        "SELECT CAST(paid_on AS TEXT), principal_paid_cents, paid_cum_cents FROM repayments "
        "WHERE loan_id = (SELECT id FROM loans WHERE loan_code = 'L1') ORDER BY paid_on",
    ) == [("2025-03-01", 100000, 100000), ("2025-04-05", 100000, 200000)]
    # Both 500s again: they replace the 1,000.00; importing them once more keeps them.
    both = {"repayments": base_portfolio()["repayments"][1:3]}
    assert counts(do_import(engine, write_folder(tmp_path / "two", both))) == {
        "repayments": (2, 0, 1, 0)
    }
    assert counts(do_import(engine, write_folder(tmp_path / "two", both))) == {
        "repayments": (0, 0, 0, 2)
    }
    assert _scalar_rows(engine, "SELECT COUNT(*), SUM(principal_paid_cents) FROM repayments") == [
        (4, 320000)
    ]


def test_dry_run_counts_but_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    before = snapshot(engine)
    result = do_import(engine, write_folder(tmp_path / "in", base_portfolio()), dry_run=True)
    assert result.ok and result.dry_run
    assert counts(result)["installments"] == (5, 0, 0, 0)
    assert snapshot(engine) == before
    assert _scalar_rows(engine, "SELECT COUNT(*) FROM import_runs") == [(0,)]


def test_an_import_is_recorded_in_the_history(engine: Engine, tmp_path: Path) -> None:
    do_import(engine, write_folder(tmp_path / "in", base_portfolio()))
    rows = _scalar_rows(engine, "SELECT status, files FROM import_runs")
    assert rows[0][0] == "imported"
    assert "loans.csv" in str(rows[0][1])


def test_gb18030_and_bom_files_read_the_same(engine: Engine, tmp_path: Path) -> None:
    write_folder(tmp_path / "mixed", base_portfolio(), encoding="gb18030")
    write_folder(tmp_path / "mixed", {"loans": base_portfolio()["loans"]}, encoding="utf-8-sig")
    result = do_import(engine, tmp_path / "mixed")
    assert result.ok, result.problems
    assert _scalar_rows(engine, "SELECT name FROM staff WHERE staff_code = 'OF1'") == [("张伟",)]
    assert _scalar_rows(engine, "SELECT village FROM borrowers WHERE borrower_code = 'B3'") == [
        ("柳树村",)
    ]


def test_headers_match_case_insensitively_and_unknown_columns_warn(
    engine: Engine, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "in", base_portfolio())
    staff = (folder / "staff.csv").read_text(encoding="utf-8").splitlines()
    staff[0] = " Staff_Code ,NAME,role,branch,team,hired_on"
    (folder / "staff.csv").write_text(
        "\n".join([staff[0] + ",remark", *(s + ",x" for s in staff[1:])]) + "\n", encoding="utf-8"
    )
    result = do_import(engine, folder)
    assert result.ok, result.problems
    assert any("unknown column 'remark'" in w.message for w in result.warnings)


def test_a_header_only_file_and_windows_line_ends(engine: Engine, tmp_path: Path) -> None:
    do_import(engine, write_folder(tmp_path / "first", base_portfolio()))
    folder = tmp_path / "month"
    folder.mkdir()
    (folder / "repayments.csv").write_text(
        "loan_code,paid_on,principal_paid,interest_paid,receipt_no\n", encoding="utf-8"
    )
    (folder / "time_log.csv").write_bytes(
        "\ufeffofficer_code,work_date,activity,hours\r\nOF1,2025-04-04,office,8\r\n".encode()
    )
    result = do_import(engine, folder)
    assert result.ok, result.problems
    assert counts(result) == {"repayments": (0, 0, 0, 0), "time_log": (1, 0, 0, 0)}


def test_header_only_loan_files_import_as_nothing(engine: Engine, tmp_path: Path) -> None:
    # Found by the oracle's portfolio generator: empty loans, installments and repayments.
    folder = tmp_path / "empty"
    folder.mkdir()
    for table in ("loans", "installments", "repayments"):
        header = ",".join(c.name for c in SPECS[table].columns)
        (folder / f"{table}.csv").write_text(header + "\n", encoding="utf-8")
    result = do_import(engine, folder)
    assert result.ok, result.problems
    assert counts(result) == {t: (0, 0, 0, 0) for t in ("loans", "installments", "repayments")}


def test_imports_enter_the_audit_trail(engine: Engine, tmp_path: Path) -> None:
    from core.db.audit import load_audit

    do_import(engine, write_folder(tmp_path / "in", base_portfolio()))
    with engine.connect() as conn:
        entries = load_audit(conn, action="import.imported")
    assert len(entries) == 1
    assert entries[0].actor == "import"
    assert entries[0].after is not None and entries[0].after["counts"]["loans"]["added"] == 2


def test_text_at_its_columns_limit_and_notes_on_several_lines_are_imported(
    engine: Engine, tmp_path: Path
) -> None:
    name = "欧阳" + "娜" * 98  # 100 characters, the limit
    notes = "第一次上门：不在家。\n下午再去，已还款。\t备注" + "。" * 1_977

    tables = base_portfolio()
    tables["borrowers"][1]["name"] = name
    tables["visits"][0]["notes"] = notes

    assert len(notes) == 2_000
    result = do_import(engine, write_folder(tmp_path / "long", tables))
    assert result.ok, result.problems
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT name FROM borrowers WHERE borrower_code = 'B2'"))
        assert stored.scalar_one() == name
        assert notes in conn.execute(text("SELECT notes FROM visits")).scalars().all()
