"""A small, hand-checked portfolio as import files, for tests to copy and spoil.

`base_portfolio()` returns table → list of rows (dicts of text cells). Tests change a
cell, add a row or drop a file, then `write_folder` writes the CSV files.
"""

from __future__ import annotations

import copy
import csv
from pathlib import Path

from core.config.lists import load_activities
from core.importer.spec import SPECS
from core.paths import CONFIG_DIR

ACTIVITIES = [a.code for a in load_activities(CONFIG_DIR)]

_BASE: dict[str, list[dict[str, str]]] = {
    "staff": [
        {
            "staff_code": "OF1",
            "name": "张伟",
            "role": "officer",
            "branch": "城关支行",
            "team": "城关一组",
            "hired_on": "2020-03-01",
        },
        {
            "staff_code": "OF2",
            "name": "刘洋",
            "role": "officer",
            "branch": "城关支行",
            "team": "城关一组",
            "hired_on": "",
        },
        {
            "staff_code": "TL1",
            "name": "李强",
            "role": "team_leader",
            "branch": "城关支行",
            "team": "城关一组",
            "hired_on": "",
        },
        {
            "staff_code": "TR1",
            "name": "王芳",
            "role": "trainer",
            "branch": "城关支行",
            "team": "",
            "hired_on": "",
        },
    ],
    "borrowers": [
        {
            "borrower_code": "B1",
            "name": "赵一",
            "officer_code": "OF1",
            "village": "李家庄",
            "group_code": "G1",
            "joined_on": "2025-01-02",
            "business_type": "养猪",
            "phone": "13800000001",
            "id_number": "110101199001011237",
        },
        {
            "borrower_code": "B2",
            "name": "钱二",
            "officer_code": "OF1",
            "village": "李家庄",
            "group_code": "G1",
            "joined_on": "2025-01-02",
            "business_type": "",
            "phone": "",
            "id_number": "",
        },
        {
            "borrower_code": "B3",
            "name": "孙三",
            "officer_code": "OF2",
            "village": "柳树村",
            "group_code": "",
            "joined_on": "2025-01-05",
            "business_type": "小卖部",
            "phone": "",
            "id_number": "",
        },
    ],
    "training": [
        {"borrower_code": "B1", "attended_on": f"2025-01-{d:02d}", "trainer_code": "TR1"}
        for d in (6, 7, 8, 9, 10)
    ]
    + [{"borrower_code": "B2", "attended_on": "2025-01-06", "trainer_code": ""}],
    "loans": [
        {
            "loan_code": "L1",
            "borrower_code": "B1",
            "officer_code": "OF1",
            "disbursed_on": "2025-02-01",
            "principal": "3000.00",
            "annual_rate": "0.085",
            "term_months": "3",
            "cycle": "1",
            "appraisal_grade": "B",
            "product": "小组联保贷款",
            "purpose": "养殖",
            "written_off_on": "",
        },
        {
            "loan_code": "L2",
            "borrower_code": "B2",
            "officer_code": "OF1",
            "disbursed_on": "2025-02-10",
            "principal": "5000.50",
            "annual_rate": "",
            "term_months": "2",
            "cycle": "1",
            "appraisal_grade": "C",
            "product": "",
            "purpose": "",
            "written_off_on": "2025-09-30",
        },
    ],
    "installments": [
        {
            "loan_code": "L1",
            "seq": "1",
            "due_date": "2025-03-01",
            "principal_due": "1000.00",
            "interest_due": "21.25",
        },
        {
            "loan_code": "L1",
            "seq": "2",
            "due_date": "2025-04-01",
            "principal_due": "1000.00",
            "interest_due": "14.17",
        },
        {
            "loan_code": "L1",
            "seq": "3",
            "due_date": "2025-05-01",
            "principal_due": "1000.00",
            "interest_due": "7.08",
        },
        {
            "loan_code": "L2",
            "seq": "1",
            "due_date": "2025-03-10",
            "principal_due": "2500.25",
            "interest_due": "",
        },
        {
            "loan_code": "L2",
            "seq": "2",
            "due_date": "2025-04-10",
            "principal_due": "2500.25",
            "interest_due": "",
        },
    ],
    "repayments": [
        {
            "loan_code": "L1",
            "paid_on": "2025-03-01",
            "principal_paid": "1000.00",
            "interest_paid": "21.25",
            "receipt_no": "R1",
        },
        {
            "loan_code": "L1",
            "paid_on": "2025-04-05",
            "principal_paid": "500.00",
            "interest_paid": "",
            "receipt_no": "",
        },
        {
            "loan_code": "L1",
            "paid_on": "2025-04-05",
            "principal_paid": "500.00",
            "interest_paid": "",
            "receipt_no": "",
        },
        {
            "loan_code": "L2",
            "paid_on": "2025-03-12",
            "principal_paid": "1200.00",
            "interest_paid": "",
            "receipt_no": "R2",
        },
    ],
    "visits": [
        {
            "officer_code": "OF1",
            "borrower_code": "B2",
            "visited_on": "2025-03-20",
            "purpose": "collection",
            "outcome": "unwilling",
            "notes": "说好下周还, 没还",
        },
        {
            "officer_code": "OF1",
            "borrower_code": "B1",
            "visited_on": "2025-04-03",
            "purpose": "return_visit",
            "outcome": "ok",
            "notes": "",
        },
    ],
    "time_log": [
        {"officer_code": "OF1", "work_date": "2025-04-03", "activity": "collection", "hours": "4"},
        {"officer_code": "OF1", "work_date": "2025-04-03", "activity": "office", "hours": "3.5"},
        {
            "officer_code": "OF2",
            "work_date": "2025-04-03",
            "activity": "appraisal",
            "hours": "7.25",
        },
    ],
}


def base_portfolio() -> dict[str, list[dict[str, str]]]:
    """A fresh copy of the base portfolio: 4 staff, 3 borrowers, 2 loans."""
    return copy.deepcopy(_BASE)


def write_folder(
    folder: Path, tables: dict[str, list[dict[str, str]]], encoding: str = "utf-8"
) -> Path:
    """Writes each table as <name>.csv with the spec's columns (plus any extra keys)."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        columns = [c.name for c in SPECS[table].columns]
        for row in rows:
            columns += [k for k in row if k not in columns]
        with (folder / f"{table}.csv").open("w", encoding=encoding, newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def two_branch_portfolio() -> dict[str, list[dict[str, str]]]:
    """The base portfolio plus a second team in 城关支行 and a second branch, for team and
    branch goals. As of 2025-06-30 (2025Q2):

    - OF3 (城关支行, 城关二组): L3, 3,000.00 in three installments of 1,000.00 due 05-01,
      06-01 and 07-01; the first two paid on their day. Q2 recovery 2,000.00 / 2,000.00;
      1,000.00 outstanding, not late.
    - OF4 (河口支行, 河口一组): L4, 1,000.00 in two installments of 500.00 due 05-10 and
      06-10; the first paid on its day, the second 20 days late on 06-30 (not PAR30).
      Q2 recovery 500.00 / 1,000.00; 500.00 outstanding.

    So team 城关一组 recovers 1,000.00 / 4,500.25, 城关二组 100%, 河口一组 50%; branch
    城关支行 has PAR30 4,800.50 / 5,800.50 (OF1's two loans are over 30 days late) and
    河口支行 0 / 500.00.
    """
    tables = base_portfolio()
    for code, name, branch, team in (
        ("OF3", "陈静", "城关支行", "城关二组"),
        ("OF4", "杨帆", "河口支行", "河口一组"),
    ):
        tables["staff"].append(
            {"staff_code": code, "name": name, "role": "officer", "branch": branch}
            | {"team": team, "hired_on": ""}
        )
    for code, name, officer, village in (
        ("B4", "周四", "OF3", "王家湾"),
        ("B5", "吴五", "OF4", "河口村"),
    ):
        tables["borrowers"].append(
            {"borrower_code": code, "name": name, "officer_code": officer, "village": village}
            | {"group_code": "", "joined_on": "2025-03-01", "business_type": ""}
            | {"phone": "", "id_number": ""}
        )
    for loan, borrower, officer, disbursed, principal, term in (
        ("L3", "B4", "OF3", "2025-04-01", "3000.00", "3"),
        ("L4", "B5", "OF4", "2025-04-10", "1000.00", "2"),
    ):
        tables["loans"].append(
            {"loan_code": loan, "borrower_code": borrower, "officer_code": officer}
            | {"disbursed_on": disbursed, "principal": principal, "annual_rate": ""}
            | {"term_months": term, "cycle": "1", "appraisal_grade": "", "product": ""}
            | {"purpose": "", "written_off_on": ""}
        )
    for loan, seq, due, amount in (
        ("L3", "1", "2025-05-01", "1000.00"),
        ("L3", "2", "2025-06-01", "1000.00"),
        ("L3", "3", "2025-07-01", "1000.00"),
        ("L4", "1", "2025-05-10", "500.00"),
        ("L4", "2", "2025-06-10", "500.00"),
    ):
        tables["installments"].append(
            {"loan_code": loan, "seq": seq, "due_date": due, "principal_due": amount}
            | {"interest_due": ""}
        )
    for loan, paid, amount in (
        ("L3", "2025-05-01", "1000.00"),
        ("L3", "2025-06-01", "1000.00"),
        ("L4", "2025-05-10", "500.00"),
    ):
        tables["repayments"].append(
            {"loan_code": loan, "paid_on": paid, "principal_paid": amount}
            | {"interest_paid": "", "receipt_no": ""}
        )
    return tables
