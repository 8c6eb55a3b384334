"""The demo cooperative: deterministic, valid against the import format, and realistic
enough for every dashboard figure to have something to show."""

from __future__ import annotations

import bisect
import csv
import datetime
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from core.demo import SCALES, generate_demo
from tests.builders import ACTIVITIES

END = datetime.date(2026, 11, 28)
END_TEXT = END.isoformat()
QUARTER_START = "2026-10-01"
# The columns of docs/import-format.md, in its order.
HEADERS = {
    "staff.csv": ["staff_code", "name", "role", "branch", "team", "hired_on"],
    "borrowers.csv": [
        "borrower_code",
        "name",
        "officer_code",
        "village",
        "group_code",
        "joined_on",
        "business_type",
        "phone",
        "id_number",
    ],
    "training.csv": ["borrower_code", "attended_on", "trainer_code"],
    "loans.csv": [
        "loan_code",
        "borrower_code",
        "officer_code",
        "disbursed_on",
        "principal",
        "annual_rate",
        "term_months",
        "cycle",
        "appraisal_grade",
        "product",
        "purpose",
        "written_off_on",
    ],
    "installments.csv": ["loan_code", "seq", "due_date", "principal_due", "interest_due"],
    "repayments.csv": ["loan_code", "paid_on", "principal_paid", "interest_paid", "receipt_no"],
    "visits.csv": ["officer_code", "borrower_code", "visited_on", "purpose", "outcome", "notes"],
    "time_log.csv": ["officer_code", "work_date", "activity", "hours"],
}
MONEY = re.compile(r"\d+\.\d{2}")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

Table = list[dict[str, str]]


def _read(path: Path) -> tuple[list[str], Table]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def _cents(text: str) -> int:
    assert MONEY.fullmatch(text), text
    return int(text.replace(".", ""))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out_dir = tmp_path_factory.mktemp("demo") / "small"
    counts = generate_demo(out_dir, scale="small", seed=1, end=END, activities=ACTIVITIES)
    return out_dir, counts


@pytest.fixture(scope="module")
def tables(demo: tuple[Path, dict[str, int]]) -> dict[str, Table]:
    return {name: _read(demo[0] / name)[1] for name in HEADERS}


def test_same_seed_gives_identical_files_and_another_seed_differs(
    tmp_path: Path, demo: tuple[Path, dict[str, int]]
) -> None:
    again = tmp_path / "again"
    other = tmp_path / "other"
    generate_demo(again, scale="small", seed=1, end=END, activities=ACTIVITIES)
    generate_demo(other, scale="small", seed=2, end=END, activities=ACTIVITIES)
    for name in HEADERS:
        assert (again / name).read_bytes() == (demo[0] / name).read_bytes(), name
    assert (other / "loans.csv").read_bytes() != (demo[0] / "loans.csv").read_bytes()
    assert (other / "borrowers.csv").read_bytes() != (demo[0] / "borrowers.csv").read_bytes()


def test_writes_exactly_the_eight_files_with_import_headers(
    demo: tuple[Path, dict[str, int]],
) -> None:
    out_dir, counts = demo
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(HEADERS)
    for name, columns in HEADERS.items():
        header, rows = _read(out_dir / name)
        assert header == columns, name
        assert counts[name] == len(rows), name
    assert not (out_dir / "staff.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_headers_agree_with_the_importers_spec() -> None:
    spec = pytest.importorskip("core.importer.spec")
    for table in spec.TABLE_SPECS:
        assert HEADERS[table.file_name] == [column.name for column in table.columns]


def test_staff_form_three_branches_of_teams_with_one_leader(tables: dict[str, Table]) -> None:
    staff = tables["staff.csv"]
    roles = Counter(row["role"] for row in staff)
    assert 18 <= roles["officer"] <= 22
    assert roles["admin"] == 1
    assert len({row["branch"] for row in staff if row["role"] == "officer"}) == 3
    teams: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in staff:
        assert row["hired_on"] <= END_TEXT
        if row["role"] in ("officer", "team_leader"):
            teams[row["branch"], row["team"]][row["role"]] += 1
    assert teams
    for team in teams.values():
        assert 4 <= team["officer"] <= 6
        assert team["team_leader"] == 1
    trainer_branches = Counter(row["branch"] for row in staff if row["role"] == "trainer")
    assert len(trainer_branches) == 3
    assert len({row["staff_code"] for row in staff}) == len(staff)


def test_borrowers_sit_in_groups_of_about_five(tables: dict[str, Table]) -> None:
    borrowers = tables["borrowers.csv"]
    officers = {r["staff_code"] for r in tables["staff.csv"] if r["role"] == "officer"}
    assert 1_800 <= len(borrowers) <= 2_200
    assert len({row["borrower_code"] for row in borrowers}) == len(borrowers)
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in borrowers:
        assert row["officer_code"] in officers
        assert row["joined_on"] <= END_TEXT
        groups[row["group_code"]].append(row)
    for members in groups.values():
        assert 3 <= len(members) <= 7
        assert len({(m["village"], m["officer_code"]) for m in members}) == 1
    sizes = Counter(len(members) for members in groups.values())
    assert sizes[5] > len(groups) / 2


def test_borrowers_personal_data_looks_real(tables: dict[str, Table]) -> None:
    for row in tables["borrowers.csv"]:
        assert row["phone"] == "" or re.fullmatch(r"1[3-9]\d{9}", row["phone"])
        id_number = row["id_number"]
        if id_number:
            assert re.fullmatch(r"\d{17}[\dX]", id_number)
            total = sum(int(d) * w for d, w in zip(id_number[:17], ID_WEIGHTS, strict=True))
            assert id_number[17] == "10X98765432"[total % 11]
            datetime.date.fromisoformat(f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}")


def test_most_borrowers_get_five_training_days(tables: dict[str, Table]) -> None:
    borrowers = {row["borrower_code"]: row for row in tables["borrowers.csv"]}
    trainers = {r["staff_code"] for r in tables["staff.csv"] if r["role"] == "trainer"}
    days: dict[str, set[str]] = defaultdict(set)
    for row in tables["training.csv"]:
        assert row["trainer_code"] in trainers
        assert borrowers[row["borrower_code"]]["joined_on"] < row["attended_on"]
        days[row["borrower_code"]].add(row["attended_on"])
    trained = sum(1 for code in borrowers if len(days[code]) >= 5)
    assert 0.7 <= trained / len(borrowers) <= 0.9
    assert all(len(d) <= 8 for d in days.values())


def test_loans_installments_and_repayments_follow_the_money_rules(
    tables: dict[str, Table],
) -> None:
    loans = {row["loan_code"]: row for row in tables["loans.csv"]}
    assert 2_300 <= len(loans) <= 3_300
    officers = {r["staff_code"] for r in tables["staff.csv"] if r["role"] == "officer"}
    for loan in loans.values():
        principal = _cents(loan["principal"])
        assert 300_000 <= principal <= 3_000_000 and principal % 50_000 == 0
        assert loan["officer_code"] in officers
        assert 0 <= float(loan["annual_rate"]) < 1 and len(loan["annual_rate"]) == 6
        assert loan["appraisal_grade"] in "ABCD"
        assert loan["written_off_on"] == "" or loan["disbursed_on"] <= loan["written_off_on"]
    due: Counter[str] = Counter()
    seqs: dict[str, list[int]] = defaultdict(list)
    for row in tables["installments.csv"]:
        assert row["due_date"] >= loans[row["loan_code"]]["disbursed_on"]
        due[row["loan_code"]] += _cents(row["principal_due"])
        _cents(row["interest_due"])
        seqs[row["loan_code"]].append(int(row["seq"]))
    paid: Counter[str] = Counter()
    for row in tables["repayments.csv"]:
        assert row["paid_on"] >= loans[row["loan_code"]]["disbursed_on"]
        paid[row["loan_code"]] += _cents(row["principal_paid"])
        _cents(row["interest_paid"])
    receipts = [row["receipt_no"] for row in tables["repayments.csv"]]
    assert len(set(receipts)) == len(receipts)
    for code, loan in loans.items():
        assert due[code] == _cents(loan["principal"]), code
        assert sorted(seqs[code]) == list(range(1, int(loan["term_months"]) + 1))
        assert paid[code] <= _cents(loan["principal"]), code
    repaid = sum(1 for code, loan in loans.items() if paid[code] == _cents(loan["principal"]))
    assert repaid > len(loans) / 3


def test_nothing_but_due_dates_lies_after_the_end(tables: dict[str, Table]) -> None:
    dated = {
        "staff.csv": ["hired_on"],
        "borrowers.csv": ["joined_on"],
        "training.csv": ["attended_on"],
        "loans.csv": ["disbursed_on", "written_off_on"],
        "repayments.csv": ["paid_on"],
        "visits.csv": ["visited_on"],
        "time_log.csv": ["work_date"],
    }
    for name, columns in dated.items():
        for row in tables[name]:
            for column in columns:
                assert row[column] <= END_TEXT, (name, row)
    assert max(row["due_date"] for row in tables["installments.csv"]) > END_TEXT


def test_time_log_days_are_plausible(tables: dict[str, Table]) -> None:
    day_hours: Counter[tuple[str, str]] = Counter()
    entries: Counter[tuple[str, str, str]] = Counter()
    for row in tables["time_log.csv"]:
        assert row["activity"] in ACTIVITIES
        half_hours = float(row["hours"]) * 2
        assert half_hours == int(half_hours) and 1 <= half_hours <= 8
        day_hours[row["officer_code"], row["work_date"]] += int(half_hours)
        entries[row["officer_code"], row["work_date"], row["activity"]] += 1
    assert max(entries.values()) == 1
    assert all(12 <= halves <= 20 for halves in day_hours.values())  # 6 to 10 hours, <= 24
    assert all(datetime.date.fromisoformat(day).weekday() < 5 for _, day in day_hours)


def test_visits_are_unique_and_show_trouble(tables: dict[str, Table]) -> None:
    visits = tables["visits.csv"]
    keys = [(v["officer_code"], v["borrower_code"], v["visited_on"], v["purpose"]) for v in visits]
    assert len(set(keys)) == len(keys)
    purposes = Counter(v["purpose"] for v in visits)
    outcomes = Counter(v["outcome"] for v in visits)
    assert set(purposes) <= {
        "appraisal",
        "collection",
        "follow_up",
        "return_visit",
        "training",
        "other",
    }
    assert set(outcomes) <= {"", "ok", "paid", "promised", "unable", "unwilling", "not_home"}
    assert purposes["appraisal"] == len(tables["loans.csv"])
    assert purposes["collection"] > 0 and purposes["follow_up"] > 0
    assert outcomes["unable"] > 0 and outcomes["unwilling"] > 0
    assert any("," in v["notes"] for v in visits)


def test_some_loans_go_wrong(tables: dict[str, Table]) -> None:
    assert sum(1 for loan in tables["loans.csv"] if loan["written_off_on"]) >= 5
    first_due: dict[str, str] = {}
    for row in tables["installments.csv"]:
        if row["seq"] == "1":
            first_due[row["loan_code"]] = row["due_date"]
    late_firsts = {
        row["loan_code"]
        for row in tables["repayments.csv"]
        if row["paid_on"] > first_due[row["loan_code"]]
    }
    assert len(late_firsts) > 50


def test_the_current_quarter_is_busy(tables: dict[str, Table]) -> None:
    def in_quarter(name: str, column: str) -> int:
        return sum(1 for row in tables[name] if QUARTER_START <= row[column] <= END_TEXT)

    assert in_quarter("loans.csv", "disbursed_on") >= 50
    assert in_quarter("installments.csv", "due_date") >= 500
    assert in_quarter("repayments.csv", "paid_on") >= 500
    assert in_quarter("visits.csv", "visited_on") >= 300
    assert in_quarter("time_log.csv", "work_date") >= 1_000


def _ever_30(installments: list[tuple[str, int, int]], payments: list[tuple[str, int]]) -> bool:
    paid_days = [day for day, _ in sorted(payments)]
    paid_totals: list[int] = []
    for _, cents in sorted(payments):
        paid_totals.append((paid_totals[-1] if paid_totals else 0) + cents)
    before = 0
    for due_date, _, principal_due in sorted(installments):
        checked_on = (datetime.date.fromisoformat(due_date) + datetime.timedelta(31)).isoformat()
        if checked_on <= END_TEXT:
            index = bisect.bisect_right(paid_days, checked_on)
            paid = paid_totals[index - 1] if index else 0
            if paid - before < principal_due:
                return True
        before += principal_due
    return False


def test_untrained_borrowers_repay_worse(tables: dict[str, Table]) -> None:
    days: dict[str, list[str]] = defaultdict(list)
    for row in tables["training.csv"]:
        days[row["borrower_code"]].append(row["attended_on"])
    first_loans: dict[str, dict[str, str]] = {}
    for loan in sorted(tables["loans.csv"], key=lambda r: (r["disbursed_on"], r["loan_code"])):
        first_loans.setdefault(loan["borrower_code"], loan)
    installments: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for row in tables["installments.csv"]:
        installments[row["loan_code"]].append(
            (row["due_date"], int(row["seq"]), _cents(row["principal_due"]))
        )
    payments: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for row in tables["repayments.csv"]:
        payments[row["loan_code"]].append((row["paid_on"], _cents(row["principal_paid"])))
    cohorts: dict[bool, list[bool]] = {True: [], False: []}
    for borrower, loan in first_loans.items():
        trained = len({d for d in days[borrower] if d <= loan["disbursed_on"]}) >= 5
        code = loan["loan_code"]
        cohorts[trained].append(_ever_30(installments[code], payments[code]))
    assert len(cohorts[False]) >= 100
    trained_rate = sum(cohorts[True]) / len(cohorts[True])
    untrained_rate = sum(cohorts[False]) / len(cohorts[False])
    assert untrained_rate > trained_rate + 0.05


def test_activities_come_from_the_parameter(tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []
    counts = generate_demo(
        tmp_path,
        scale="small",
        seed=3,
        end=datetime.date(2025, 3, 31),
        activities=["field", "desk", "road"],
        progress=lambda s, n: seen.append((s, n)),
    )
    _, rows = _read(tmp_path / "time_log.csv")
    assert {row["activity"] for row in rows} == {"field", "desk", "road"}
    assert counts["time_log.csv"] == len(rows)
    assert seen[-1] == ("done", sum(counts.values()))
    assert {stage for stage, _ in seen} >= {"staff.csv", "borrowers.csv", "time_log.csv"}


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate_demo(tmp_path, scale="huge", end=END, activities=ACTIVITIES)
    with pytest.raises(ValueError, match="activit"):
        generate_demo(tmp_path, end=END, activities=[])
    assert set(SCALES) == {"small", "medium", "large"}
    assert list(tmp_path.iterdir()) == []
