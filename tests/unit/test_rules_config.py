"""config/rules.yaml is validated node by node; every error names the file, line and key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from core.config.lists import ConfigError, load_activities
from core.metrics.params import MetricParams
from core.paths import CONFIG_DIR
from core.rules import check_config_text, load_default_rules, load_rules

ACTIVITIES = ("appraisal", "collection", "training")

# Line numbers matter below: 1 parameters, 4 the rule's id, 6 figure, 9 bands, 11 message.
VALID = """\
parameters:
  min_training_days: 5
rules:
  - id: recovery
    name: {en: Recovery rate, zh: 回收率}
    figure: recovery_rate
    scope: officer
    better: higher
    bands: {target: 1.0, warn: 0.98, fail: 0.95}
    severity: high
    message: {en: "{name} is {value} (goal {target})", zh: "{name}为{value}"}
"""
# The bands written as a block, so target, warn and fail sit on lines 10, 11 and 12.
BLOCK_BANDS = "bands:\n      target: {}\n      warn: {}\n      fail: {}"
RANGE = "figure: time_share.collection", "better: range"


def _error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_rules(path, ACTIVITIES)
    return str(caught.value)


def _edit(*pairs: tuple[str, str]) -> str:
    text = VALID
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


def _ranged(bands: str) -> str:
    return _edit(
        ("figure: recovery_rate", RANGE[0]),
        ("better: higher", RANGE[1]),
        ("bands: {target: 1.0, warn: 0.98, fail: 0.95}", bands),
    )


def _blocked(better: str, target: str, warn: str, fail: str) -> str:
    return _edit(
        (
            "figure: recovery_rate",
            "figure: par30" if better == "lower" else "figure: recovery_rate",
        ),
        ("better: higher", f"better: {better}"),
        ("bands: {target: 1.0, warn: 0.98, fail: 0.95}", BLOCK_BANDS.format(target, warn, fail)),
    )


def test_the_shipped_rules_load() -> None:
    rule_set = load_default_rules()
    assert rule_set.params == MetricParams(
        min_training_days=5,
        grace_days=0,
        visit_window_days=90,
        followup_after_days=7,
        renewal_window_days=90,
        min_cohort_size=10,
        return_soon_days=14,
        sheet_window_days=0,
        reconcile_days=3,
    )
    by_id = {rule.id: rule for rule in rule_set.rules}
    assert len(by_id) == len(rule_set.rules) >= 16
    training = by_id["training_before_first_loan"]
    assert (training.per, training.severity) == ("loan", "high")
    assert training.target == training.warn == training.fail == Decimal("1.0")
    assert by_id["recovery_rate"].warn == Decimal("0.98")
    assert by_id["par30_limit"].fail == Decimal("0.10")
    assert by_id["visit_coverage"].per == "borrower"
    assert by_id["caseload"].target == (Decimal(80), Decimal(150))
    # Every activity has a time-share range, named in both languages.
    shares = {rule.figure for rule in rule_set.rules if rule.better == "range"}
    for activity in load_activities(CONFIG_DIR):
        assert f"time_share.{activity.code}" in shares, activity.code
    assert all(rule.name_zh and rule.message_zh for rule in rule_set.rules)


def test_a_valid_file_and_its_summary(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(VALID, encoding="utf-8")
    rule = load_rules(path, ACTIVITIES).rules[0]
    assert (rule.id, rule.figure, rule.per, rule.line) == ("recovery", "recovery_rate", None, 4)
    assert (rule.target, rule.warn, rule.fail) == (Decimal("1.0"), Decimal("0.98"), Decimal("0.95"))
    ok, report = check_config_text(path, ACTIVITIES)
    assert ok
    assert report == (
        f"{path}: 1 rule, parameters: min_training_days=5, grace_days=0, "
        "visit_window_days=90, followup_after_days=7, renewal_window_days=90, "
        "min_cohort_size=10, return_soon_days=14, sheet_window_days=0, reconcile_days=3, "
        "warning_horizon_days=90, warning_threshold=0.30, slipping_unvisited_days=14"
    )


def test_check_config_reports_the_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(_edit(("scope: officer", "scope: village")), encoding="utf-8")
    ok, report = check_config_text(path, ACTIVITIES)
    assert not ok
    assert report.startswith(f"{path}, line 7, key 'scope': unknown value 'village'")


def test_the_shipped_file_passes_check_config() -> None:
    ok, report = check_config_text(CONFIG_DIR / "rules.yaml", ACTIVITIES + ("x",))
    assert not ok  # the shipped rules name activities beyond this short list
    codes = [activity.code for activity in load_activities(CONFIG_DIR)]
    ok, report = check_config_text(CONFIG_DIR / "rules.yaml", codes)
    assert ok, report
    assert "19 rules, parameters: min_training_days=5" in report


@pytest.mark.parametrize(
    ("text", "line", "key", "problem"),
    [
        # unknown keys, at every level
        (VALID + "colour: red\n", 12, "colour", "unknown key"),
        (_edit(("    severity", "    colour: red\n    severity")), 10, "colour", "unknown key"),
        (_edit(("zh: 回收率}", "zh: 回收率, fr: x}")), 5, "name.fr", "unknown key"),
        (_edit(("fail: 0.95}", "fail: 0.95, stop: 0.9}")), 9, "bands.stop", "unknown key"),
        (_edit(("min_training", "min_trainng")), 2, "parameters.min_trainng_days", "unknown key"),
        # missing keys: the line of the mapping that lacks one
        ("parameters: {grace_days: 1}\n", 1, "rules", "missing key"),
        (_edit(("    scope: officer\n", "")), 4, "scope", "missing key"),
        (_edit((", fail: 0.95}", "}")), 9, "bands.fail", "missing key"),
        (_edit((', zh: "{name}为{value}"}', "}")), 11, "message.zh", "missing key"),
        # duplicates
        (_edit(("    severity", "    scope: team\n    severity")), 10, "scope", "duplicate key"),
        (
            VALID + VALID.split("rules:\n")[1],
            12,
            "id",
            "duplicate rule id 'recovery' (first used on line 4)",
        ),
        # wrong types
        (_edit(("warn: 0.98", "warn: high")), 9, "bands.warn", "must be a number, not text"),
        (_edit(("warn: 0.98", "warn: 98%")), 9, "bands.warn", "write 0.95 for 95%"),
        (_edit(("warn: 0.98", "warn: yes")), 9, "bands.warn", "not a yes/no value (yes)"),
        (_edit(("warn: 0.98", "warn: no")), 9, "bands.warn", "not a yes/no value (no)"),
        (_edit(("warn: 0.98", "warn: ")), 9, "bands.warn", "must be a number, not nothing"),
        (_edit(("warn: 0.98", "warn: .nan")), 9, "bands.warn", "plain number, not '.nan'"),
        (_edit(("warn: 0.98", "warn: -0.1")), 9, "bands.warn", "must not be negative"),
        (_edit(("warn: 0.98", "warn: 98")), 9, "bands.warn", "98 is above 1: ratios are"),
        (_edit(("{en: Recovery rate, zh: 回收率}", "[a, b]")), 5, "name", "not a list"),
        (_edit(("figure: recovery_rate", "figure: {a: b}")), 6, "figure", "not a mapping"),
        (_edit(("severity: high", "severity: yes")), 10, "severity", "quote it"),
        ("rules: {}\n", 1, "rules", "must be a list, not a mapping"),
        ("rules:\n  - recovery\n", 2, "rules", "each rule must be a mapping, not text"),
        ("- a\n", 1, "(the file)", "must be a mapping, not a list"),
        # figures
        (_edit(("recovery_rate\n", "recovery\n")), 6, "figure", "did you mean 'recovery_rate'?"),
        (_edit(("recovery_rate\n", "time_share.colection\n")), 6, "figure", "unknown activity"),
        # choices
        (_edit(("scope: officer", "scope: village")), 7, "scope", "expected officer | team |"),
        (_edit(("better: higher", "better: more")), 8, "better", "unknown value 'more'"),
        (_edit(("severity: high", "severity: urgent")), 10, "severity", "unknown value"),
        (_edit(("    scope", "    per: group\n    scope")), 7, "per", "expected loan | borrower"),
        (
            _edit(("    scope", "    per: borrower\n    scope")),
            7,
            "per",
            "are loans, not borrowers",
        ),
        (_edit(("better: higher", "better: lower")), 8, "better", "where higher is better"),
        # ids
        (_edit(("id: recovery", "id: Recovery-Rate")), 4, "id", "only a-z, 0-9 and _"),
        # bands in an impossible order
        (_blocked("higher", "0.98", "0.99", "0.95"), 11, "bands.warn", "warn (0.99) must not be"),
        (_blocked("higher", "1.0", "0.95", "0.96"), 12, "bands.fail", "fail (0.96) must not be"),
        (_blocked("lower", "0.05", "0.02", "0.10"), 11, "bands.warn", "must not be below target"),
        (_blocked("lower", "0.02", "0.05", "0.04"), 12, "bands.fail", "must not be below warn"),
        (_blocked("higher", "[1, 1]", "0.98", "0.95"), 10, "bands.target", "single number"),
        # range bands
        (_ranged("bands: {target: 0.2, warn: 0.1, fail: 0.3}"), 9, "bands.target", "pair"),
        (
            _ranged("bands: {target: [0.1], warn: [0, 1], fail: [0, 1]}"),
            9,
            "bands.target",
            "not a list of 1",
        ),
        (
            _ranged("bands: {target: [0.3, 0.1], warn: [0, 1], fail: [0, 1]}"),
            9,
            "bands.target",
            "low (0.3) must not be above high (0.1)",
        ),
        (
            _ranged("bands: {target: [0.1, 0.3], warn: [0.2, 0.4], fail: [0, 1]}"),
            9,
            "bands.warn",
            "warn [0.2, 0.4] must contain target [0.1, 0.3]",
        ),
        (
            _ranged("bands: {target: [0.1, 0.3], warn: [0.05, 0.4], fail: [0.1, 1]}"),
            9,
            "bands.fail",
            "fail [0.1, 1] must contain warn [0.05, 0.4]",
        ),
        # message templates
        (_edit(("(goal {target})", "{amount}")), 11, "message.en", "unknown placeholder {amount}"),
        (_edit(("(goal {target})", "{}")), 11, "message.en", "unknown placeholder {}"),
        (_edit(("(goal {target})", "{value.real}")), 11, "message.en", "placeholder {value.real}"),
        (_edit(("(goal {target})", "{value:.2f}")), 11, "message.en", "takes no format"),
        (_edit(("(goal {target})", "{value!r}")), 11, "message.en", "takes no format"),
        (_edit(("为{value}", "为{value")), 11, "message.zh", "not a valid template"),
        (_edit(("(goal {target})", "{count}")), 11, "message.en", "{count} needs per"),
        # parameters
        (_edit(("min_training_days: 5", "min_training_days: -1")), 2, "parameters.", "negative"),
        (_edit(("min_training_days: 5", "min_training_days: 1.5")), 2, "parameters.", "whole"),
        (_edit(("min_training_days: 5", "min_training_days: five")), 2, "parameters.", "whole"),
        (_edit(("min_training_days: 5", "min_training_days: yes")), 2, "parameters.", "yes/no"),
        ("parameters: [5]\nrules: []\n", 1, "parameters", "must be a mapping, not a list"),
        (
            _edit(("min_training_days: 5", "min_cohort_size: 0")),
            2,
            "parameters.min_cohort_size",
            "must be at least 1, not 0",
        ),
        # explicit tags are refused, never constructed
        (_edit(("recovery_rate\n", "!!python/name:os.system\n")), 6, "figure", "tagged"),
        (_edit(("warn: 0.98", "warn: !!str 0.98")), 9, "bands.warn", "not text ('0.98')"),
    ],
)
def test_errors_name_file_line_and_key(
    tmp_path: Path, text: str, line: int, key: str, problem: str
) -> None:
    message = _error(tmp_path, text)
    where = f"{tmp_path / 'rules.yaml'}, line {line}, key '{key}"
    assert message.startswith(where), message
    assert problem in message, message


def test_the_exact_message_for_bands_out_of_order(tmp_path: Path) -> None:
    message = _error(tmp_path, _blocked("higher", "0.98", "0.99", "0.95"))
    assert message == (
        f"{tmp_path / 'rules.yaml'}, line 11, key 'bands.warn': "
        "warn (0.99) must not be above target (0.98) for better: higher"
    )


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    message = _error(tmp_path, _edit(("scope: officer", "scope: [officer")))
    assert message.startswith(f"{tmp_path / 'rules.yaml'}, line 8: not valid YAML"), message


# Hostile files: PyYAML composes recursively (10,000 levels raised RecursionError), and
# aliases let a few lines stand for billions of nodes.
DEEP_LIST = "rules: " + "[" * 10_000 + "]" * 10_000 + "\n"
DEEP_FLOW_MAPPING = "rules: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n"
DEEP_BLOCK_MAPPING = "rules:\n" + "".join(" " * (2 * depth) + "a:\n" for depth in range(1, 3000))
LAUGHS = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(9)
)
HOSTILE = [
    (DEEP_LIST, ", line 1: too deeply nested (more than 50 levels)"),
    (DEEP_FLOW_MAPPING, ", line 1: too deeply nested (more than 50 levels)"),
    # The 50th level is the mapping on line 50: the refusal points at it.
    (DEEP_BLOCK_MAPPING, ", line 50: too deeply nested (more than 50 levels)"),
    (LAUGHS, ", line 2: an alias (*a) is not allowed in a configuration file: write the value out"),
    ("rules: [\x07]\n", ": not valid YAML (unacceptable character #x0007"),
]


@pytest.mark.parametrize(("text", "problem"), HOSTILE)
def test_hostile_yaml_is_refused_with_its_line(tmp_path: Path, text: str, problem: str) -> None:
    assert _error(tmp_path, text).startswith(f"{tmp_path / 'rules.yaml'}{problem}")


def test_an_empty_or_missing_file(tmp_path: Path) -> None:
    assert _error(tmp_path, "").endswith("line 1: the file is empty")
    with pytest.raises(ConfigError, match="file not found"):
        load_rules(tmp_path / "absent.yaml", ACTIVITIES)


def test_python_tags_are_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = _edit(("recovery_rate\n", f"!!python/object/apply:os.system ['touch {marker}']\n"))
    assert "key 'figure': must be text, not a value tagged" in _error(tmp_path, text)
    assert not marker.exists()


def test_optional_parts(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(VALID.replace("parameters:\n  min_training_days: 5\n", ""), encoding="utf-8")
    assert load_rules(path, ACTIVITIES).params == MetricParams()
    # A time share of a known activity, an int band on a count and a per-case rule load.
    text = _edit(
        ("figure: recovery_rate", "figure: followups_overdue"),
        ("    scope", "    per: loan\n    scope"),
        ("better: higher", "better: lower"),
        ("{target: 1.0, warn: 0.98, fail: 0.95}", "{target: 0, warn: 0, fail: 0x2}"),
        ("(goal {target})", "{count} (goal {target})"),
    )
    path.write_text(text, encoding="utf-8")
    rule = load_rules(path, ACTIVITIES).rules[0]
    assert (rule.per, rule.fail) == ("loan", Decimal(2))
    path.write_text(
        _ranged("bands: {target: [0.1, 0.3], warn: [0.05, 0.4], fail: [0, 1]}"), encoding="utf-8"
    )
    assert load_rules(path, ACTIVITIES).rules[0].warn == (Decimal("0.05"), Decimal("0.4"))
