"""Rules judge figures into findings: statuses at the band edges, cases, messages, order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import pytest

from core.metrics.params import MetricParams
from core.rules import FigureSet, Finding, Rule, RuleSet, evaluate, load_default_rules, status_of
from core.rules.formatting import format_level, format_value

D = Decimal


def _rule(
    better: str,
    target: Decimal | tuple[Decimal, Decimal],
    warn: Decimal | tuple[Decimal, Decimal],
    fail: Decimal | tuple[Decimal, Decimal],
    *,
    figure: str = "recovery_rate",
    rule_id: str = "r",
    per: str | None = None,
    scope: str = "officer",
    severity: str = "high",
    message_en: str = "{name} is {value} (goal {target})",
    message_zh: str = "{name}为{value}（目标{target}）",
) -> Rule:
    return Rule(
        id=rule_id,
        name_en=f"Name of {rule_id}",
        name_zh=f"{rule_id}名称",
        figure=figure,
        scope=scope,
        per=per,
        better=better,
        target=target,
        warn=warn,
        fail=fail,
        severity=severity,
        message_en=message_en,
        message_zh=message_zh,
        line=1,
    )


RECOVERY = _rule("higher", D("1.0"), D("0.98"), D("0.95"))
TRAINING = _rule("higher", D(1), D(1), D(1), figure="training_compliance", per="loan")
PAR30 = _rule("lower", D("0.02"), D("0.05"), D("0.10"), figure="par30")
FOLLOWUPS = _rule("lower", D(0), D(0), D(2), figure="followups_overdue", per="loan")
COLLECTION = _rule(
    "range",
    (D("0.10"), D("0.30")),
    (D("0.05"), D("0.40")),
    (D("0.0"), D("0.5")),
    figure="time_share.collection",
)
CASELOAD = _rule(
    "range", (D(80), D(150)), (D(60), D(180)), (D(30), D(250)), figure="active_borrowers"
)


def _officer(
    values: Mapping[str, Decimal | int | None],
    cases: Mapping[str, Sequence[str]] | None = None,
    subject: str = "O1",
    kind: str = "officer",
) -> FigureSet:
    return FigureSet(kind, subject, values, cases or {})


def _one(rule: Rule, figures: FigureSet) -> Finding:
    (finding,) = evaluate(RuleSet(MetricParams(), (rule,)), [figures])
    return finding


@pytest.mark.parametrize(
    ("rule", "value", "status"),
    [
        (RECOVERY, D("1"), "met"),
        (RECOVERY, D("0.98"), "met"),
        (RECOVERY, D("0.9799"), "warning"),
        (RECOVERY, D("0.95"), "warning"),
        (RECOVERY, D("0.9499"), "breached"),
        (RECOVERY, D("0"), "breached"),
        (TRAINING, D("1.0"), "met"),
        (TRAINING, D("0.9999"), "breached"),
        (PAR30, D("0"), "met"),
        (PAR30, D("0.05"), "met"),
        (PAR30, D("0.0501"), "warning"),
        (PAR30, D("0.10"), "warning"),
        (PAR30, D("0.1001"), "breached"),
        (FOLLOWUPS, 0, "met"),
        (FOLLOWUPS, 1, "warning"),
        (FOLLOWUPS, 2, "warning"),
        (FOLLOWUPS, 3, "breached"),
        (COLLECTION, D("0.05"), "met"),
        (COLLECTION, D("0.20"), "met"),
        (COLLECTION, D("0.40"), "met"),
        (COLLECTION, D("0.0499"), "warning"),
        (COLLECTION, D("0"), "warning"),
        (COLLECTION, D("0.4001"), "warning"),
        (COLLECTION, D("0.5"), "warning"),
        (COLLECTION, D("0.5001"), "breached"),
        (CASELOAD, 60, "met"),
        (CASELOAD, 180, "met"),
        (CASELOAD, 59, "warning"),
        (CASELOAD, 30, "warning"),
        (CASELOAD, 250, "warning"),
        (CASELOAD, 29, "breached"),
        (CASELOAD, 251, "breached"),
        (RECOVERY, None, "no data"),
        (CASELOAD, None, "no data"),
    ],
)
def test_status_at_and_around_the_band_edges(
    rule: Rule, value: Decimal | int | None, status: str
) -> None:
    assert status_of(rule, value) == status
    assert _one(rule, _officer({rule.figure: value, "hours": D(100)})).status == status


@pytest.mark.parametrize(
    ("values", "expected_value", "status"),
    [
        ({"hours": D("120.5"), "time_share.office": D("0.2")}, D(0), "warning"),
        ({"hours": D(0)}, None, "no data"),
        ({"hours": None, "time_share.office": D("1")}, None, "no data"),
        ({"time_share.office": D("1")}, D(0), "warning"),  # no hours figure, but time logged
        ({}, None, "no data"),
        ({"hours": D(8), "time_share.collection": None}, None, "no data"),
    ],
)
def test_time_share_of_an_activity_without_hours(
    values: Mapping[str, Decimal | None], expected_value: Decimal | None, status: str
) -> None:
    finding = _one(COLLECTION, _officer(values))
    assert (finding.value, finding.status) == (expected_value, status)


def test_any_other_absent_figure_has_no_data() -> None:
    finding = _one(RECOVERY, _officer({"hours": D(100)}))
    assert (finding.status, finding.value) == ("no data", None)
    assert (finding.message_en, finding.message_zh) == ("Name of r: no data", "r名称：无数据")


def test_cases_only_for_per_case_rules_that_are_not_met() -> None:
    cases = {"followups_overdue": ["L2", "L1"], "recovery_rate": ["L7"]}
    assert _one(FOLLOWUPS, _officer({"followups_overdue": 3}, cases)).cases == ("L2", "L1")
    assert _one(FOLLOWUPS, _officer({"followups_overdue": 1}, cases)).cases == ("L2", "L1")
    assert _one(FOLLOWUPS, _officer({"followups_overdue": 0}, cases)).cases == ()
    assert _one(FOLLOWUPS, _officer({"followups_overdue": 3})).cases == ()  # none known
    # recovery_rate is judged as a whole: its loans are not listed even when breached
    assert _one(RECOVERY, _officer({"recovery_rate": D("0.5")}, cases)).cases == ()


def test_rules_apply_to_their_scope_only() -> None:
    team_rule = _rule("higher", D(1), D("0.98"), D("0.95"), scope="team", rule_id="t")
    figures = [
        _officer({"recovery_rate": D("0.9")}, subject="O1"),
        _officer({"recovery_rate": D("0.99")}, subject="North", kind="team"),
        _officer({"recovery_rate": D("0.5")}, subject="Branch", kind="branch"),
    ]
    findings = evaluate(RuleSet(MetricParams(), (RECOVERY, team_rule)), figures)
    assert [(f.rule_id, f.subject_kind, f.subject) for f in findings] == [
        ("r", "officer", "O1"),
        ("t", "team", "North"),
    ]


def test_messages_in_both_languages() -> None:
    finding = _one(RECOVERY, _officer({"recovery_rate": D("0.975")}))
    assert finding.message_en == "Name of r is 97.5% (goal 100.0%)"
    assert finding.message_zh == "r名称为97.5%（目标100.0%）"
    assert (finding.value, finding.target) == (D("0.975"), D("1.0"))

    share = _one(COLLECTION, _officer({"time_share.collection": D("0.0625")}))
    assert share.message_en == "Name of r is 6.3% (goal 10.0%–30.0%)"  # half up
    assert share.target == (D("0.10"), D("0.30"))

    counted = _rule(
        "lower",
        D(0),
        D(0),
        D(2),
        figure="followups_overdue",
        per="loan",
        message_en="{count} of {value} loans (goal {target})",
        message_zh="{count}笔/{value}笔（目标{target}笔）",
    )
    finding = _one(counted, _officer({"followups_overdue": 1234}, {"followups_overdue": ["A"]}))
    assert finding.message_en == "1 of 1,234 loans (goal 0)"
    assert finding.message_zh == "1笔/1,234笔（目标0笔）"
    assert finding.target == 0 and isinstance(finding.target, int)


def test_value_formats_by_kind() -> None:
    assert format_value("ratio", D("1"), "en") == "100.0%"
    assert format_value("ratio", D("0.00049"), "zh") == "0.0%"
    assert format_value("money", D("12345"), "en") == "¥12,345.00"
    assert format_value("money", D("0.005"), "zh") == "¥0.01"
    assert format_value("count", 80, "en") == "80"
    assert format_value("count", D("80.5"), "en") == "80.5"
    assert format_value("hours", D("6.25"), "en") == "6.3 h"
    assert format_value("hours", D("6"), "zh") == "6.0 小时"
    assert format_level("count", (D(80), D(150)), "zh") == "80–150"
    assert format_level("money", D("1000000"), "en") == "¥1,000,000.00"


def test_findings_worst_first_then_severity_then_rule_order() -> None:
    low = _rule("higher", D(1), D("0.9"), D("0.5"), severity="low", rule_id="low")
    high = _rule("higher", D(1), D("0.9"), D("0.5"), severity="high", rule_id="high")
    medium = _rule("higher", D(1), D("0.9"), D("0.5"), severity="medium", rule_id="medium")
    high2 = _rule("higher", D(1), D("0.9"), D("0.5"), severity="high", rule_id="high2")
    rules = RuleSet(MetricParams(), (low, high, medium, high2))
    figures = [
        _officer({"recovery_rate": D("0.95")}, subject="met"),
        _officer({"recovery_rate": None}, subject="none"),
        _officer({"recovery_rate": D("0.6")}, subject="warn"),
        _officer({"recovery_rate": D("0.1")}, subject="bad"),
    ]
    order = [(f.status, f.rule_id, f.subject) for f in evaluate(rules, figures)]
    expected = []
    for status, subject in (
        ("breached", "bad"),
        ("warning", "warn"),
        ("no data", "none"),
        ("met", "met"),
    ):
        expected += [(status, rule_id, subject) for rule_id in ("high", "high2", "medium", "low")]
    assert order == expected


def test_the_shipped_rules_judge_a_whole_officer() -> None:
    rules = load_default_rules()
    values: dict[str, Decimal | int | None] = {
        "training_compliance": D("0.9"),
        "recovery_rate": D("0.98"),
        "on_time_rate": None,
        "par30": D("0.06"),
        "visit_coverage": D("0.85"),
        "followups_overdue": 0,
        "renewal_rate": D("0.8"),
        "hours": D("480"),
        "time_share.collection": D("0.2"),
        "active_borrowers": 120,
    }
    cases = {"training_compliance": ["L42"], "visit_coverage": ["B1", "B2"]}
    findings = evaluate(rules, [_officer(values, cases)])
    # One finding per officer rule; the branch goal (branch_par30) judges branches only,
    # and slipping_unvisited's day figure was not read here, so it is not judged at all.
    assert len([r for r in rules.rules if r.scope == "officer"]) == 18
    assert len(findings) == 17
    assert "slipping_unvisited" not in {f.rule_id for f in findings}
    first = findings[0]
    assert (first.rule_id, first.status, first.cases) == (
        "training_before_first_loan",
        "breached",
        ("L42",),
    )
    assert "培训达标率为90.0%（目标100.0%）" in first.message_zh
    by_id = {f.rule_id: f for f in findings}
    assert by_id["recovery_rate"].status == "met"
    assert by_id["par30_limit"].status == "warning"
    assert by_id["visit_coverage"].cases == ()  # 85% is met (warn is 80%)
    assert by_id["on_time_rate"].status == "no data"
    assert by_id["time_travel"].value == 0
    assert by_id["caseload"].message_zh == "管户数为120户（目标80–150户）。"


def test_the_slipping_rule_is_judged_where_its_day_figure_was_read() -> None:
    rules = load_default_rules()

    def judged(count: int, cases: Sequence[str] = ()) -> Finding:
        figures = _officer({"slipping_unvisited": count}, {"slipping_unvisited": cases})
        (found,) = [f for f in evaluate(rules, [figures]) if f.rule_id == "slipping_unvisited"]
        return found

    one = judged(1, ["L7"])
    assert (one.status, one.value, one.cases) == ("warning", 1, ("L7",))
    assert one.message_en == "Slipping loans nobody has visited lately: 1 (goal 0)."
    assert one.message_zh == "1笔预警贷款近期无人走访（目标0笔）。"
    assert judged(2, ["L7", "L8"]).status == "breached"
    assert (judged(0).status, judged(0).cases) == ("met", ())
