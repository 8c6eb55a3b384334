"""`python -m core metrics | cohorts | check-config` as a person runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders import base_portfolio, two_branch_portfolio, write_folder
from tests.db.test_cli import run_core


@pytest.fixture
def loaded_url(database_url: str, tmp_path: Path) -> str:
    folder = write_folder(tmp_path / "in", base_portfolio())
    assert run_core("import", str(folder), database_url=database_url).returncode == 0
    return database_url


def test_metrics_json_has_every_officer_and_figure(loaded_url: str) -> None:
    done = run_core("metrics", "--period", "2025Q2", "--format", "json", database_url=loaded_url)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["period"] == {
        "label": "2025Q2",
        "start": "2025-04-01",
        "end": "2025-06-30",
        "as_of": "2025-06-30",
    }
    officers = {o["officer_code"]: o for o in document["officers"]}
    assert set(officers) == {"OF1", "OF2"}
    one = officers["OF1"]
    assert (one["name"], one["team"], one["branch"]) == ("张伟", "城关一组", "城关支行")
    assert one["outstanding_principal"] == 4800.5
    assert one["principal_due"] == 4500.25 and one["principal_collected"] == 1000.0
    assert one["recovery_rate"] == pytest.approx(1000 / 4500.25)
    assert one["time_share"] == {
        "collection": pytest.approx(8 / 15),
        "office": pytest.approx(7 / 15),
    }
    assert officers["OF2"]["recovery_rate"] is None
    statuses = {f["rule_id"]: f["status"] for f in one["findings"]}
    assert statuses["recovery_rate"] == "breached"  # 22.2% against a 95% floor
    assert statuses["training_before_first_loan"] == "no data"  # no first loans in Q2
    assert document["cooperative"]["outstanding_principal"] == 4800.5


def test_metrics_for_one_officer_and_a_team(loaded_url: str) -> None:
    one = run_core(
        "metrics",
        "--period",
        "2025-04",
        "--officer",
        "OF2",
        "--format",
        "json",
        database_url=loaded_url,
    )
    assert [o["officer_code"] for o in json.loads(one.stdout)["officers"]] == ["OF2"]
    team = run_core(
        "metrics",
        "--period",
        "2025-04-01:2025-06-30",
        "--team",
        "城关一组",
        database_url=loaded_url,
    )
    assert team.returncode == 0
    assert "OF1" in team.stdout and "22.2%" in team.stdout


def test_metrics_csv_opens_in_a_spreadsheet_as_people_read_it(loaded_url: str) -> None:
    done = run_core("metrics", "--period", "2025Q2", "--format", "csv", database_url=loaded_url)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("\ufeffofficer_code,name,team,branch,active_loans")
    rows = [
        dict(zip(lines[0].lstrip("\ufeff").split(","), line.split(","), strict=True))
        for line in lines[1:]
    ]
    one = rows[0]
    assert one["outstanding_principal"] == "4800.50" and one["principal_due"] == "4500.25"
    # 1,000.00 of 4,500.25 collected: 22.2209...% reads 22.2%; 8 of 15 hours on collection.
    assert (one["recovery_rate"], one["on_time_rate"], one["par30"]) == ("22.2%", "0.0%", "100.0%")
    assert one["time_share.collection"] == "53.3%" and one["time_share.appraisal"] == ""
    assert (one["active_loans"], one["followups_overdue"], one["hours"]) == ("2", "1", "7.50")
    assert one["training_compliance"] == "" and rows[1]["recovery_rate"] == ""


def test_metrics_show_the_shipped_branch_goal(database_url: str, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", two_branch_portfolio())
    assert run_core("import", str(folder), database_url=database_url).returncode == 0
    table = run_core("metrics", "--period", "2025Q2", database_url=database_url)
    assert table.returncode == 0, table.stderr
    # 城关支行: 4,800.50 of 5,800.50 more than 30 days late; 河口支行: none of 500.00.
    assert table.stdout.endswith(
        "Team and branch goals:\n"
        "  branch 城关支行: breached: The branch's PAR30 is 82.8% (goal: at most 2.0%).\n"
        "  branch 河口支行: met: The branch's PAR30 is 0.0% (goal: at most 2.0%).\n"
    )
    document = json.loads(
        run_core(
            "metrics", "--period", "2025Q2", "--format", "json", database_url=database_url
        ).stdout
    )
    assert [(b["branch"], [f["status"] for f in b["findings"]]) for b in document["branches"]] == [
        ("城关支行", ["breached"]),
        ("河口支行", ["met"]),
    ]
    assert all(team["findings"] == [] for team in document["teams"])  # no team rule shipped


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2025Q5"], "is not a period"),
        (["--period", "2025Q2", "--as-of", "2025-02-30"], "not a date"),
        (["--period", "2025Q2", "--officer", "NOPE"], "no officer with staff_code 'NOPE'"),
        (["--period", "2025Q2", "--team", "NOPE"], "no team named 'NOPE'"),
    ],
)
def test_bad_arguments_are_clear_errors(loaded_url: str, args: list[str], message: str) -> None:
    done = run_core("metrics", *args, database_url=loaded_url)
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr


def test_cohorts_json(loaded_url: str) -> None:
    done = run_core("cohorts", "--as-of", "2025-06-30", "--format", "json", database_url=loaded_url)
    document = json.loads(done.stdout)
    assert document["as_of"] == "2025-06-30" and document["min_training_days"] == 5
    cohorts = {c["cohort"]: c for c in document["cohorts"]}
    # One first loan per cohort: far fewer than min_cohort_size (10), so no interval.
    assert cohorts["trained"] == {
        "cohort": "trained",
        "first_loans": 1,
        "principal_due": 3000.0,
        "principal_collected": 2000.0,
        "recovery_rate": pytest.approx(2 / 3),
        "ever_par30_loans": 1,
        "ever_par30_rate": 1.0,
        "too_few": True,
        "recovery_low": None,
        "recovery_high": None,
        "ever_par30_low": None,
        "ever_par30_high": None,
    }
    assert cohorts["untrained"]["principal_collected"] == 1200.0
    assert document["min_cohort_size"] == 10
    assert document["difference"] == {
        "too_few": True,
        "ever_par30_z": None,
        "ever_par30_p": None,
        "recovery_z": None,
        "recovery_p": None,
    }
    assert document["by_quarter"][0]["quarter"] == "2025Q1"
    assert document["by_quarter_difference"][0]["too_few"] is True
    assert {row["branch"] for row in document["by_branch"]} == {"城关支行"}
    assert "vintage" not in document and "by_training_days" not in document


def test_cohorts_by_trainer_vintage_and_training_days(loaded_url: str) -> None:
    done = run_core(
        "cohorts",
        "--as-of",
        "2025-06-30",
        "--by",
        "trainer",
        "--vintage",
        "--by-days",
        "--format",
        "json",
        database_url=loaded_url,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert "by_quarter" not in document
    # B1 trained 5 days with TR1; B2's one day has no trainer.
    assert [(r["trainer"], r["cohort"]) for r in document["by_trainer"]] == [
        ("", "untrained"),
        ("TR1", "trained"),
    ]
    # L1 (3,000.00, 2025-02-01) reached 30+ on 05-01 + 31 = 06-01: month 4; as of 06-30 it
    # is 4 months on book (06-01 <= 06-30 < 07-01).
    trained = [p for p in document["vintage"] if p["cohort"] == "trained"]
    assert [(p["month"], p["share"]) for p in trained] == [(1, 0), (2, 0), (3, 0), (4, 1.0)]
    days = {r["training_days"]: r["first_loans"] for r in document["by_training_days"]}
    assert days == {"0": 0, "1": 1, "2": 0, "3": 0, "4": 0, "5": 1, "6": 0, "7+": 0}


def test_cohorts_table_and_csv(loaded_url: str) -> None:
    table = run_core("cohorts", "--as-of", "2025-06-30", "--by-days", database_url=loaded_url)
    assert table.returncode == 0, table.stderr
    assert "Not a controlled experiment" in table.stdout
    assert "all: too few to compare" in table.stdout
    assert "by training days:" in table.stdout
    csv_text = run_core(
        "cohorts", "--as-of", "2025-06-30", "--format", "csv", database_url=loaded_url
    ).stdout
    lines = csv_text.lstrip("\ufeff").splitlines()
    header = lines[0].split(",")
    assert header[:4] == ["breakdown", "group", "cohort", "first_loans"]
    assert {"too_few", "ever_par30_low", "ever_par30_p", "recovery_p"} <= set(header)
    trained = dict(zip(header, lines[1].split(","), strict=True))
    # The trained first loan: 2,000.00 of 3,000.00 collected (66.7%), ever 30 days late.
    assert (trained["principal_due"], trained["principal_collected"]) == ("3000.00", "2000.00")
    assert (trained["recovery_rate"], trained["ever_par30_rate"]) == ("66.7%", "100.0%")
    both = run_core("cohorts", "--vintage", "--by-days", "--format", "csv", database_url=loaded_url)
    assert both.returncode == 1 and "one table" in both.stderr


def test_check_config(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    good = run_core("check-config", database_url=url)
    assert good.returncode == 0 and "19 rules" in good.stdout
    broken = tmp_path / "rules.yaml"
    broken.write_text("rules:\n  - id: x\n    figure: nonsense\n", encoding="utf-8")
    bad = run_core("check-config", str(broken), database_url=url)
    assert bad.returncode == 1
    assert f"{broken}, line 2" in bad.stderr or f"{broken}, line 3" in bad.stderr
