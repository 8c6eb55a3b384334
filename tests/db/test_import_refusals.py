"""Every kind of bad input is refused: file, line and column named, nothing written.

Each test imports the base portfolio first, spoils one thing in a second import, and
checks the reported problem and that the database is exactly as before.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.importer import ImportResult
from core.importer.problems import Problem
from tests.builders import base_portfolio, write_folder
from tests.db.helpers import do_import, snapshot

Tables = dict[str, list[dict[str, str]]]


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    """The engine with the base portfolio already imported."""
    assert do_import(engine, write_folder(tmp_path / "base", base_portfolio())).ok
    return engine


def refuse(engine: Engine, folder: Path) -> ImportResult:
    """Imports `folder`, which must be refused without touching the database."""
    before = snapshot(engine)
    result = do_import(engine, folder)
    assert not result.ok
    assert result.counts == {}
    assert snapshot(engine) == before
    return result


def only_problem(result: ImportResult) -> Problem:
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


def spoiled(tmp_path: Path, change: object) -> Path:
    tables = base_portfolio()
    change(tables)  # type: ignore[operator]
    return write_folder(tmp_path / "bad", tables)


def test_a_file_mixing_utf8_and_gbk_rows_is_refused_not_garbled(
    loaded: Engine, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "bad", {"staff": base_portfolio()["staff"]})
    lines = (folder / "staff.csv").read_bytes().split(b"\n")
    # 王芳 in GBK on line 5, the other names UTF-8: read as GB18030, 张伟 was 寮犱紵.
    lines[4] = lines[4].decode("utf-8").encode("gbk")
    (folder / "staff.csv").write_bytes(b"\n".join(lines))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line) == ("staff.csv", 5)
    assert "UTF-8 on line(s) 2-4, GBK (GB18030) on line(s) 5 " in problem.message


def test_a_nul_byte_in_a_name_is_refused_with_file_line_and_column(
    loaded: Engine, tmp_path: Path
) -> None:
    # Before, SQLite stored it and PostgreSQL stopped the import with an internal error.
    folder = spoiled(tmp_path, lambda t: t["borrowers"][1].update(name="钱\x00二"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "borrowers.csv",
        3,
        "name",
        "钱\ufffd二",
    )
    assert problem.message.startswith("contains a control character (such as a NUL byte")
    assert problem.text("zh").startswith("含有控制字符")


def test_control_characters_in_codes_and_line_breaks_in_names_are_refused(
    loaded: Engine, tmp_path: Path
) -> None:
    def spoil(t: Tables) -> None:
        t["borrowers"][0]["village"] = "李家\n庄"
        t["borrowers"][2]["group_code"] = "G\x1b1"
        t["staff"][1]["team"] = "城关\t一组"

    result = refuse(loaded, spoiled(tmp_path, spoil))
    assert [(p.file, p.line, p.column, p.code) for p in result.problems] == [
        ("borrowers.csv", 2, "village", "line_break"),
        ("borrowers.csv", 4, "group_code", "control_character"),
        ("staff.csv", 3, "team", "line_break"),
    ]
    assert result.problems[0].message == (
        "contains a line break or a tab; this column is one line of text"
    )


def test_a_name_of_ten_thousand_characters_is_refused(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["staff"][0].update(name="张" * 10_000))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column) == ("staff.csv", 2, "name")
    assert problem.message == "is longer than 100 characters"
    assert len(problem.value) == 40  # the report shows the start of it


def test_missing_required_column(loaded: Engine, tmp_path: Path) -> None:
    def drop_principal(t: Tables) -> None:
        for row in t["loans"]:
            del row["principal"]

    folder = write_folder(tmp_path / "bad", {"loans": base_portfolio()["loans"]})
    text = (folder / "loans.csv").read_text(encoding="utf-8").replace(",principal,", ",amount,")
    (folder / "loans.csv").write_text(text, encoding="utf-8")
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column) == ("loans.csv", 1, "principal")
    assert "required column is missing" in problem.message


def test_empty_file(loaded: Engine, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "bad", base_portfolio())
    (folder / "visits.csv").write_bytes(b"")
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line) == ("visits.csv", 1)
    assert "empty" in problem.message


def test_bytes_that_are_neither_utf8_nor_gb18030(loaded: Engine, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "bad", base_portfolio())
    lines = (folder / "borrowers.csv").read_bytes().split(b"\n")
    lines[2] = lines[2].replace("钱二".encode(), b"\xff\xfe\x80")
    (folder / "borrowers.csv").write_bytes(b"\n".join(lines))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line) == ("borrowers.csv", 3)
    assert "neither UTF-8 nor GB18030" in problem.message


def test_impossible_date(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["loans"][1].update(disbursed_on="2025-02-30"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "loans.csv",
        3,
        "disbursed_on",
        "2025-02-30",
    )
    assert problem.message == "is not a real calendar date"


def test_date_in_another_format(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["visits"][0].update(visited_on="20/03/2025"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column) == ("visits.csv", 2, "visited_on")
    assert "YYYY-MM-DD" in problem.message


def test_text_where_money_is_expected(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["repayments"][3].update(principal_paid="一千二"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "repayments.csv",
        5,
        "principal_paid",
        "一千二",
    )
    assert "is not a money amount" in problem.message


def test_negative_amount(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["installments"][4].update(interest_due="-3.00"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column) == ("installments.csv", 6, "interest_due")
    assert problem.message == "must not be negative"


def test_three_decimal_amount(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["loans"][0].update(principal="3000.005"))
    result = refuse(loaded, folder)
    problem = result.problems[0]
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "loans.csv",
        2,
        "principal",
        "3000.005",
    )
    assert problem.message == "has more than 2 decimal places"


def test_duplicate_code(loaded: Engine, tmp_path: Path) -> None:
    def duplicate(t: Tables) -> None:
        t["borrowers"].append({**t["borrowers"][0], "name": "赵一二"})

    problem = only_problem(refuse(loaded, spoiled(tmp_path, duplicate)))
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "borrowers.csv",
        5,
        "borrower_code",
        "B1",
    )
    assert "line 2" in problem.message


def test_duplicate_receipt_number(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["repayments"][3].update(receipt_no="R1"))
    problem = refuse(loaded, folder).problems[0]
    assert (problem.file, problem.line, problem.column) == ("repayments.csv", 5, "receipt_no")


def test_unknown_loan(loaded: Engine, tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "bad",
        {
            "repayments": [
                {
                    "loan_code": "L9",
                    "paid_on": "2025-05-01",
                    "principal_paid": "10.00",
                    "interest_paid": "",
                    "receipt_no": "R9",
                }
            ]
        },
    )
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "repayments.csv",
        2,
        "loan_code",
        "L9",
    )
    assert "not a loan_code" in problem.message


def test_unknown_borrower(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["training"][5].update(borrower_code="B404"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column) == ("training.csv", 7, "borrower_code")


def test_unknown_officer(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["loans"][0].update(officer_code="OF9"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column) == ("loans.csv", 2, "officer_code")
    assert "not a staff_code" in problem.message


def test_officer_code_of_someone_who_is_not_an_officer(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["borrowers"][2].update(officer_code="TR1"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column) == ("borrowers.csv", 4, "officer_code")
    assert problem.message == "is trainer staff, not an officer"


def test_role_outside_its_list(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["staff"][3].update(role="cashier"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "staff.csv",
        5,
        "role",
        "cashier",
    )
    assert problem.message == "must be one of: officer, team_leader, trainer, admin"


def test_purpose_outside_its_list(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["visits"][1].update(purpose="chat"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column) == ("visits.csv", 3, "purpose")


def test_activity_outside_the_configured_list(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["time_log"][0].update(activity="mahjong"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column) == ("time_log.csv", 2, "activity")
    assert "collection" in problem.message


def test_hours_over_24_in_one_cell(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["time_log"][2].update(hours="25"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column) == ("time_log.csv", 4, "hours")
    assert problem.message == "must be more than 0 and at most 24"


def _time(officer: str, day: str, activity: str, hours: str) -> dict[str, str]:
    return {"officer_code": officer, "work_date": day, "activity": activity, "hours": hours}


def test_a_day_adding_up_to_more_than_24_hours(loaded: Engine, tmp_path: Path) -> None:
    # Stored: OF1's imported 4 + 3.5 hours on 2025-04-03, which this file's rows of that
    # day replace. The file's day: collection twice (morning and afternoon, 8 hours
    # each) and 8.25 hours of office, 24.25 hours in all.
    rows = [
        _time("OF1", "2025-04-03", "collection", "8"),
        _time("OF1", "2025-04-03", "collection", "8"),
        _time("OF2", "2025-04-03", "office", "24"),
        _time("OF1", "2025-04-03", "office", "8.25"),
    ]
    folder = write_folder(tmp_path / "bad", {"time_log": rows})
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "time_log.csv",
        2,
        "hours",
        "24.25",
    )
    assert problem.message == (
        "OF1's hours on 2025-04-03 add up to 24.25, more than 24 (lines 2, 3 and 5)"
    )


def test_hours_entered_in_the_app_count_toward_an_imported_day(
    loaded: Engine, tmp_path: Path
) -> None:
    from decimal import Decimal

    from core.timelog.writes import save_day

    # OF1 logged 3 hours of office in the app on 2025-04-04; the export brings 21.25.
    save_day(loaded, "of1", "OF1", dt.date(2025, 4, 4), {"office": Decimal(3)}, dt.date(2025, 4, 5))
    folder = write_folder(
        tmp_path / "bad", {"time_log": [_time("OF1", "2025-04-04", "collection", "21.25")]}
    )
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "time_log.csv",
        2,
        "hours",
        "24.25",
    )
    assert problem.message == (
        "OF1's hours on 2025-04-04 add up to 24.25, more than 24 "
        "(line 2, and 3.00 entered in the app)"
    )


def test_installments_not_summing_to_the_principal(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["installments"][1].update(principal_due="999.99"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "installments.csv",
        2,
        "principal_due",
        "2,999.99",
    )
    assert "not its principal 3,000.00" in problem.message


def test_a_principal_change_that_breaks_the_stored_schedule(loaded: Engine, tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "bad", {"loans": [{**base_portfolio()["loans"][0], "principal": "3500.00"}]}
    )
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column) == ("loans.csv", 2, "principal")


def test_repayments_summing_to_more_than_the_principal(loaded: Engine, tmp_path: Path) -> None:
    # Stored: 1,200.00 repaid on L2 (principal 5,000.50); this month adds 3,800.51.
    folder = write_folder(
        tmp_path / "bad",
        {
            "repayments": [
                {
                    "loan_code": "L2",
                    "paid_on": "2025-04-10",
                    "principal_paid": "3800.00",
                    "interest_paid": "",
                    "receipt_no": "R7",
                },
                {
                    "loan_code": "L2",
                    "paid_on": "2025-04-11",
                    "principal_paid": "0.51",
                    "interest_paid": "",
                    "receipt_no": "R8",
                },
            ]
        },
    )
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "repayments.csv",
        3,
        "principal_paid",
        "5,000.51",
    )
    assert "more than its principal 5,000.50" in problem.message


def test_every_bad_row_is_reported_not_only_the_first(loaded: Engine, tmp_path: Path) -> None:
    def spoil(t: Tables) -> None:
        t["loans"][0]["principal"] = "abc"
        t["loans"][1]["disbursed_on"] = "2025-13-01"
        t["visits"][0]["outcome"] = "maybe"
        t["staff"][0]["team"] = ""

    result = refuse(loaded, spoiled(tmp_path, spoil))
    assert [(p.file, p.line, p.column) for p in result.problems] == [
        ("loans.csv", 2, "principal"),
        ("loans.csv", 3, "disbursed_on"),
        ("staff.csv", 2, "team"),
        ("visits.csv", 2, "outcome"),
    ]


def test_officers_and_team_leaders_need_a_team_and_trainers_do_not(
    loaded: Engine, tmp_path: Path
) -> None:
    def no_teams(t: Tables) -> None:
        for row in t["staff"]:
            row["team"] = ""

    result = refuse(loaded, spoiled(tmp_path, no_teams))
    staff = base_portfolio()["staff"]
    assert [(p.file, p.line, p.column) for p in result.problems] == [
        ("staff.csv", line, "team")
        for line, row in enumerate(staff, start=2)
        if row["role"] in ("officer", "team_leader")
    ]
    assert [row["role"] for row in staff] == ["officer", "officer", "team_leader", "trainer"]


def test_a_row_with_more_fields_than_the_header(loaded: Engine, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "bad", {"staff": base_portfolio()["staff"]})
    with (folder / "staff.csv").open("a", encoding="utf-8") as handle:
        handle.write("OF7,某人,officer,城关支行,城关一组,2020-01-01,extra\n")
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line) == ("staff.csv", 6)
    assert "7 fields" in problem.message


def test_installment_due_before_disbursement(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["installments"][0].update(due_date="2025-01-31"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column) == ("installments.csv", 2, "due_date")
    assert "2025-02-01" in problem.message


def test_repayment_before_disbursement(loaded: Engine, tmp_path: Path) -> None:
    folder = spoiled(tmp_path, lambda t: t["repayments"][3].update(paid_on="2025-02-09"))
    problem = only_problem(refuse(loaded, folder))
    assert (problem.file, problem.line, problem.column) == ("repayments.csv", 5, "paid_on")


def test_moving_a_disbursement_after_stored_installments(loaded: Engine, tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "bad",
        {"loans": [{**base_portfolio()["loans"][1], "disbursed_on": "2025-03-11"}]},
    )
    result = refuse(loaded, folder)
    assert {(p.file, p.line, p.column) for p in result.problems} == {
        ("loans.csv", 2, "disbursed_on")
    }
    assert any("already stored" in p.message for p in result.problems)


def test_structural_cell_and_reference_problems_come_in_one_report(
    loaded: Engine, tmp_path: Path
) -> None:
    # The repayments.csv: a row with too many fields, a bad date, a yuan sign in
    # a money column and an unknown loan. Each used to take a round of its own.
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "repayments.csv").write_text(
        "loan_code,paid_on,principal_paid,interest_paid,receipt_no\n"
        "L1,2025-05-01,1000.00,7.08,R3\n"
        "L1,2025-05-02,100.00,,R4,extra\n"
        "L2,2025-13-01,300.00,,R5\n"
        "L2,2025-05-03,¥300,,R6\n"
        "L9,2025-05-04,300.00,,R7\n",
        encoding="utf-8",
    )
    result = refuse(loaded, folder)
    assert [(p.file, p.line, p.column, p.value, p.message) for p in result.problems] == [
        ("repayments.csv", 3, "", "", "has 6 fields; the header has 5"),
        ("repayments.csv", 4, "paid_on", "2025-13-01", "is not a real calendar date"),
        (
            "repayments.csv",
            5,
            "principal_paid",
            "¥300",
            "is not a money amount (digits with an optional decimal point, e.g. 1250.50)",
        ),
        (
            "repayments.csv",
            6,
            "loan_code",
            "L9",
            "is not a loan_code in loans.csv or the database",
        ),
    ]


def test_a_row_with_fewer_fields_than_the_header_is_named_with_the_others(
    loaded: Engine, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "bad", {"staff": base_portfolio()["staff"]})
    with (folder / "staff.csv").open("a", encoding="utf-8") as handle:
        handle.write("OF7,某人,officer\n")
        handle.write("OF8,某人,officer,城关支行,城关一组,2020-02-30\n")
    result = refuse(loaded, folder)
    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (6, "", "has 3 fields; the header has 6"),
        (7, "hired_on", "is not a real calendar date"),
    ]


def test_sums_are_still_checked_on_the_loans_whose_rows_all_passed(
    loaded: Engine, tmp_path: Path
) -> None:
    # L1's schedule no longer sums to its principal; L2's has a bad date. Both are named,
    # and L2's sum, which a missing row would make wrong, is not.
    tables = base_portfolio()
    tables["installments"][1]["principal_due"] = "999.99"
    tables["installments"][3]["due_date"] = "2025-03-32"
    folder = write_folder(tmp_path / "bad", {"installments": tables["installments"]})
    result = refuse(loaded, folder)
    assert [(p.line, p.column) for p in result.problems] == [
        (2, "principal_due"),
        (5, "due_date"),
    ]
    assert "the installments of loan L1 sum to 2,999.99" in result.problems[0].message


def test_a_missing_column_does_not_hide_the_other_cells_problems(
    loaded: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "time_log.csv").write_text(
        "officer_code,work_date,activity\nOF1,2025-04-03,collection\nOF1,2025-04-31,office\n",
        encoding="utf-8",
    )
    result = refuse(loaded, folder)
    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (1, "hours", "required column is missing from the header"),
        (3, "work_date", "is not a real calendar date"),
    ]
