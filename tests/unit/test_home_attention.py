"""The home page's ranking of the goals not met across a scope, and its branch summaries
(core.rules.attention), on hand-made figures."""

from __future__ import annotations

from decimal import Decimal

from core.metrics.scorecard import OfficerScorecard
from core.rules import FigureSet, Finding, RuleSet, evaluate, load_default_rules
from core.rules.attention import BranchSummary, build_attention

SHIPPED = load_default_rules()
# Two high-severity rules, a medium and a low one, in the shipped file's order.
RULES = RuleSet(
    SHIPPED.params,
    tuple(
        SHIPPED.by_id(rule)
        for rule in ("recovery_rate", "on_time_rate", "par30_limit", "time_appraisal")
    ),
)
D = Decimal

# staff code, branch, figures
OFFICERS = {
    # recovery 90%: breached, (100 - 90) / (100 - 95) = 2; on-time 85%: warning,
    # (95 - 85) / (95 - 80) = 2/3; PAR30 3%: met.
    "A1": ("甲支行", {"recovery_rate": D("0.90"), "on_time_rate": D("0.85"), "par30": D("0.03")}),
    # PAR30 20%: breached, (20 - 2) / (10 - 2) = 2.25; recovery 96%: warning, 4 / 5 = 0.8.
    "A2": ("甲支行", {"recovery_rate": D("0.96"), "par30": D("0.20")}),
    # appraisal time 50% of hours (goal 10-25%, fail above 40%): breached, low severity,
    # (50 - 25) / (40 - 25) = 5/3; recovery 90%: breached, 2 (as A1: the code decides).
    "B1": ("乙支行", {"recovery_rate": D("0.90"), "time_share.appraisal": D("0.50")}),
    # Everything met.
    "B2": ("乙支行", {"recovery_rate": D("1"), "on_time_rate": D("1"), "par30": D("0")}),
}


def judged() -> tuple[list[OfficerScorecard], dict[str, list[Finding]]]:
    cards = [
        OfficerScorecard(code, f"Officer {code}", None, branch)
        for code, (branch, _) in OFFICERS.items()
    ]
    findings: dict[str, list[Finding]] = {code: [] for code in OFFICERS}
    sets = [FigureSet("officer", code, values, {}) for code, (_, values) in OFFICERS.items()]
    for finding in evaluate(RULES, sets):
        findings[finding.subject].append(finding)
    return cards, findings


def test_breaches_rank_by_status_then_severity_then_distance_then_officer() -> None:
    cards, findings = judged()
    attention = build_attention(RULES, cards, findings)
    ranked = [(b.officer_code, b.rule.id, b.finding.status, b.distance) for b in attention.breaches]
    assert ranked == [
        # breached, high severity: farthest first, then by officer code on a tie
        ("A2", "par30_limit", "breached", D("2.25")),
        ("A1", "recovery_rate", "breached", D(2)),
        ("B1", "recovery_rate", "breached", D(2)),
        # breached, low severity: after every high one although farther than 2
        ("B1", "time_appraisal", "breached", D(25) / D(15)),
        # warnings after every breach, high before medium
        ("A2", "recovery_rate", "warning", D("0.8")),
        ("A1", "on_time_rate", "warning", D(10) / D(15)),
    ]
    assert D(25) / D(15) == D("1.666666666666666666666666667")
    assert not attention.all_met


def test_the_ranking_does_not_depend_on_the_order_officers_come_in() -> None:
    cards, findings = judged()
    forward = build_attention(RULES, cards, findings).breaches
    backward = build_attention(RULES, cards[::-1], findings).breaches
    assert forward == backward


def test_branch_summaries_count_officers_breaches_and_warnings() -> None:
    cards, findings = judged()
    # Most breaches first; both have two, so the one with more warnings.
    assert build_attention(RULES, cards, findings).branches == (
        BranchSummary("甲支行", 2, 2, 2, 2, (("recovery_rate", 1), ("par30_limit", 1))),
        BranchSummary("乙支行", 2, 1, 2, 0, (("recovery_rate", 1), ("time_appraisal", 1))),
    )


def test_every_goal_met_gives_no_breach_and_no_breach_in_the_summary() -> None:
    cards, findings = judged()
    only_b2 = [c for c in cards if c.staff_code == "B2"]
    attention = build_attention(RULES, only_b2, findings)
    assert attention.breaches == () and attention.all_met
    assert attention.branches == (BranchSummary("乙支行", 1, 0, 0, 0, ()),)
