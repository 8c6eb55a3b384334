"""The load benchmark's parts that need no server: the mix of sessions, the menus, the
percentiles, what counts as an error in a script run, the table and the section it keeps in
docs/performance.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.load_client import EXCEPTION, NOT_FOUND, RunResult, _check
from bench.load_mix import MenuPage, percentile, role_menu, session_mix
from bench.load_report import (
    LOAD_END,
    LOAD_START,
    LoadRun,
    View,
    error_summary,
    keep_load_section,
    kept_section,
    load_section,
    load_table,
    page_stats,
    replace_section,
    scaling_table,
    write_load_section,
)
from bench.load_servers import nginx_conf

TITLES = {"plan.title": "My plan", "home.title": "What needs attention"}


def test_twenty_sessions_are_the_issues_mix_of_8_officers_6_leaders_3_trainers_3_admins() -> None:
    assert session_mix(20) == {"officer": 8, "team_leader": 6, "trainer": 3, "admin": 3}


@pytest.mark.parametrize(
    ("sessions", "mix"),
    [
        (1, (1, 0, 0, 0)),  # 0.4 officer, 0.3 leader, 0.15 trainer, 0.15 admin
        (2, (1, 1, 0, 0)),  # 0.8, 0.6, 0.3, 0.3: the two largest
        (3, (1, 1, 1, 0)),  # 1.2, 0.9, 0.45, 0.45: leader, then trainer (listed first)
        (4, (1, 1, 1, 1)),  # 2, 1, 1, 0 by the shares; the admin takes one officer's place
        (10, (4, 3, 2, 1)),  # 4, 3, 1.5, 1.5: the trainer gets the half
        (40, (16, 12, 6, 6)),
    ],
)
def test_other_numbers_of_sessions_keep_the_proportions(
    sessions: int, mix: tuple[int, int, int, int]
) -> None:
    assert tuple(session_mix(sessions).values()) == mix


def test_every_mix_adds_up_to_its_sessions_and_no_role_is_left_out_from_four_on() -> None:
    for sessions in range(1, 101):
        mix = session_mix(sessions)
        assert sum(mix.values()) == sessions
        if sessions >= 4:
            assert min(mix.values()) >= 1


def test_no_session_is_refused() -> None:
    with pytest.raises(ValueError):
        session_mix(0)


def test_a_roles_menu_is_its_pages_in_menu_order_the_first_at_the_root_hidden_pages_out() -> None:
    officer = role_menu("officer", TITLES)
    assert [p.name for p in officer] == [
        "plan",
        "home",
        "my_quarter",
        "portfolio",
        "visits",
        "collection_sheet",
        "receipts",
        "time",
        "training_register",
        "customers",
        "my_review",
        "coaching",
    ]  # no borrower page: it opens from the portfolio, not the menu
    assert officer[0] == MenuPage("officer", "plan", "", "My plan")
    assert officer[1] == MenuPage("officer", "home", "home", "What needs attention")
    # A title missing from the catalogue shows as the script's name.
    assert officer[2].title == "my_quarter"
    leader = role_menu("team_leader", TITLES)
    assert (leader[0].url_path, leader[1].url_path) == ("", "team")
    assert [len(role_menu(r, TITLES)) for r in ("team_leader", "trainer", "admin")] == [10, 4, 12]


def test_percentiles_interpolate_between_the_nearest_ranks() -> None:
    values = [4.0, 1.0, 3.0, 2.0]  # sorted 1, 2, 3, 4: position (n - 1) * p / 100
    assert percentile(values, 50) == 2.5  # position 1.5: halfway from 2 to 3
    assert percentile(values, 95) == pytest.approx(3.85, abs=1e-12)  # 2.85: 3 + 0.85 * 1
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    # Twenty views of 0.1, 0.2, ... 2.0 s: p95 at position 18.05, 1.9 + 0.05 * 0.1.
    twenty = [n / 10 for n in range(1, 21)]
    assert percentile(twenty, 95) == pytest.approx(1.905, abs=1e-12)
    assert percentile(twenty, 50) == pytest.approx(1.05, abs=1e-12)
    assert percentile([0.7], 95) == 0.7
    with pytest.raises(ValueError):
        percentile([], 50)


def _delta_with(kind: str) -> ForwardMsg:
    msg = ForwardMsg()
    if kind == "exception":
        msg.delta.new_element.exception.message = "boom"
    else:
        msg.delta.new_element.markdown.body = "fine"
    return msg


def test_a_run_with_an_exception_element_or_a_page_not_found_is_an_error() -> None:
    fine = RunResult(0.0, None)
    _check(_delta_with("markdown"), fine)
    assert fine.error is None
    broken = RunResult(0.0, None)
    _check(_delta_with("exception"), broken)
    _check(_delta_with("markdown"), broken)
    assert broken.error == EXCEPTION
    missing = RunResult(0.0, None)
    msg = ForwardMsg()
    msg.page_not_found.page_name = "nowhere"
    _check(msg, missing)
    assert missing.error == NOT_FOUND


def test_the_last_navigation_of_a_run_is_the_menu_and_the_page_shown() -> None:
    result = RunResult(0.0, None)
    for pages, current in ((("", "a"), ("x", "y")), (("", "team"), ("h0", "h1"))):
        msg = ForwardMsg()
        for path, page_hash in zip(pages, current, strict=True):
            page = msg.navigation.app_pages.add()
            page.url_pathname, page.page_script_hash = path, page_hash
        msg.navigation.page_script_hash = current[1]
        _check(msg, result)
    assert result.menu == {"": "h0", "team": "h1"}
    assert result.current == "h1"
    assert result.error is None


PLAN = MenuPage("officer", "plan", "", "My plan")
TEAM = MenuPage("team_leader", "team", "team", "Team overview")
VIEWS = [
    View(PLAN, 0.5),
    View(PLAN, 1.5),
    View(PLAN, 1.0),
    View(PLAN, None, "dropped connection"),
    View(TEAM, 3.0),
    View(TEAM, 1.0, "exception"),  # an error's time is not a page's time
]


def test_each_page_has_its_views_errors_and_percentiles_then_all_pages_together() -> None:
    plan, team, overall = page_stats([PLAN, TEAM], VIEWS)
    assert (plan.views, plan.errors, plan.p50, plan.max) == (4, 1, 1.0, 1.5)
    assert plan.p95 == pytest.approx(1.45, abs=1e-12)  # 1.0 + 0.9 * 0.5
    assert (team.views, team.errors, team.p50, team.p95, team.max) == (2, 1, 3.0, 3.0, 3.0)
    # 0.5, 1.0, 1.5, 3.0: p50 at 1.5 is 1.25, p95 at 2.85 is 1.5 + 0.85 * 1.5.
    assert (overall.views, overall.errors, overall.p50, overall.max) == (6, 2, 1.25, 3.0)
    assert overall.p95 == pytest.approx(2.775, abs=1e-12)


def test_the_table_gives_each_page_its_figures_and_verdict_a_page_nobody_reached_included() -> None:
    nobody = MenuPage("admin", "audit", "audit", "Audit trail")
    rows = page_stats([PLAN, TEAM, nobody], [View(PLAN, 0.5), View(PLAN, 1.5), *VIEWS[4:5]])
    assert load_table(rows).splitlines() == [
        "account  page           views  errors  p50 s  p95 s  max s  target (p95 2 s, no error)",
        "-------  -------------  -----  ------  -----  -----  -----  --------------------------",
        "officer  My plan            2       0   1.00   1.45   1.50  meets target",
        "leader   Team overview      1       0   3.00   3.00   3.00  MISSES target",
        "admin    Audit trail        0       0                       no view",
        "         all pages          3       0   1.50   2.85   3.00  MISSES target",
    ]
    assert error_summary(VIEWS) == "1 dropped connection, 1 exception"
    assert error_summary(VIEWS[:3]) == "none"


def _run(note: str = "", processes: int = 1, views: list[View] = VIEWS) -> LoadRun:
    return LoadRun(
        mix={"officer": 1, "team_leader": 2, "trainer": 0, "admin": 0},
        pages=[PLAN, TEAM],
        views=views,
        duration=60,
        think=(0.5, 1.5),
        seed=1,
        processes=processes,
        cores=2,
        machine="x86_64",
        database="SQLite",
        accounts={"officer": 1, "team_leader": 1},
        measured="2026-12-03",
        client_cpu=3.9,
        note=note,
    )


def test_the_section_says_how_it_was_measured_and_what_it_found() -> None:
    section = load_section([_run("The machine was shared.")])
    assert section.startswith(LOAD_START + "\n## Under load\n")
    assert section.endswith(LOAD_END + "\n")
    flat = " ".join(section.split())
    assert "`python -m bench --load 3 --duration 60`: 3 sessions at once" in flat
    assert "(1 officer, 2 team leaders), served by one app process" in flat
    assert (
        "Each session logs in with its own account, one per person of the demo's staff: the 2 "
        "leader sessions share 1 account, as a person logged in on two devices (POST" in flat
    )
    assert "x86_64, 2 cores; the benchmark's clients run on it too)" in flat
    assert "The benchmark's clients used 4 s of CPU." in flat
    assert "0.5-1.5 s of think time" in flat
    assert "The machine was shared." in flat
    assert (
        # p95 2.775 (see above), two places
        "Overall: 6 page views, p50 1.25 s, p95 2.78 s, max 3.00 s; errors: 2 "
        "(1 dropped connection, 1 exception)." in flat
    )


def test_the_section_replaces_itself_and_leaves_the_rest_of_the_report_alone(
    tmp_path: Path,
) -> None:
    report = tmp_path / "performance.md"
    report.write_text("# Performance\n\n## Pages\n\ntable\n", encoding="utf-8")
    first = write_load_section(report, [_run("Note of the first run.")])
    assert report.read_text(encoding="utf-8") == "# Performance\n\n## Pages\n\ntable\n\n" + first
    report.write_text(report.read_text(encoding="utf-8") + "\n## After\n", encoding="utf-8")
    second = write_load_section(report, [_run("second")])
    text = report.read_text(encoding="utf-8")
    assert text == "# Performance\n\n## Pages\n\ntable\n\n" + second + "\n## After\n"
    assert "Note of the first run." not in text
    assert kept_section(text) == second
    assert kept_section("# Performance\n") is None
    assert replace_section("a\n", "S\n", "<s>", "<e>") == "a\n\nS\n"


def test_a_missing_report_is_created(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    section = write_load_section(report, [_run()])
    assert report.read_text(encoding="utf-8") == "# Performance\n\n" + section


def test_runs_on_one_two_and_four_processes_get_a_line_each_then_their_own_tables() -> None:
    team = [View(TEAM, 1.0), View(TEAM, 2.0), View(TEAM, 3.0)]
    runs = [_run(processes=1), _run(processes=2, views=team), _run(processes=4, views=team[:1])]
    assert scaling_table(runs).splitlines() == [
        "processes  views  errors  p50 s  p95 s  max s  team overview p95 s",
        "---------  -----  ------  -----  -----  -----  -------------------",
        "        1      6       2   1.25   2.78   3.00                 3.00",
        "        2      3       0   2.00   2.90   3.00                 2.90",
        "        4      1       0   1.00   1.00   1.00                 1.00",
    ]
    section = load_section(runs)
    flat = " ".join(section.split())
    assert "`python -m bench --load 3 --duration 60 --processes 1,2,4`" in flat
    assert "served by 1 then 2 then 4 app processes started by the benchmark" in flat
    assert "`hash $cookie_fieldbook_session consistent`" in flat
    titles = [line for line in section.splitlines() if line.startswith("### ")]
    alone = " ".join(load_section([_run(processes=2)]).split())
    assert (
        "`python -m bench --load 3 --duration 60 --processes 2`: 3 sessions at once (1 officer, 2"
        " team leaders), served by 2 app processes (`streamlit run serve.py`, one port each)"
        " behind nginx, which keeps each login on one process" in alone
    )
    assert titles == ["### 1 app process", "### 2 app processes", "### 4 app processes"]


def test_nginx_sends_each_login_to_one_app_process_and_passes_websockets_through(
    tmp_path: Path,
) -> None:
    conf = nginx_conf(tmp_path, 9000, [9001, 9002])
    upstream = conf.split("upstream fieldbook {", 1)[1].split("}", 1)[0].split()
    assert upstream == [
        "hash",
        "$cookie_fieldbook_session",
        "consistent;",
        "server",
        "127.0.0.1:9001;",
        "server",
        "127.0.0.1:9002;",
    ]
    assert "listen 127.0.0.1:9000;" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf
    assert "proxy_set_header Host $http_host;" in conf  # the login's same-origin check
    assert f"pid {tmp_path / 'nginx.pid'};" in conf


def test_a_full_benchmark_run_keeps_the_load_section_of_the_report_it_replaces() -> None:
    section = load_section([_run()])
    old = "# Performance\n\nold import table\n\n" + section + "\n## Later\n"
    new = "# Performance\n\nnew import table\n"
    assert keep_load_section(new, old) == new + "\n" + section
    assert keep_load_section(new, "# Performance\n\nold import table\n") == new
    assert keep_load_section(new, None) == new
