"""Loads config/rules.yaml into a RuleSet, refusing anything doubtful with file, line and key.

The file is composed with SafeLoader into nodes and read node by node (core.rules.nodes):
nothing in it is evaluated as code and every error points at the offending line.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import string
from collections.abc import Sequence
from pathlib import Path

import yaml

from core.config.lists import ConfigError, _compose, compose_text, load_activities
from core.metrics.figures import FIGURES_BY_KEY
from core.metrics.params import MetricParams
from core.paths import CONFIG_DIR
from core.rules.bands import read_bands
from core.rules.nodes import Reader, describe, line_of
from core.rules.schema import (
    BETTER,
    PER_CASE,
    PLACEHOLDERS,
    RANGE,
    SCOPES,
    SEVERITIES,
    Rule,
    RuleSet,
    figure_kind,
    time_share_activity,
)
from core.warning.params import WARNING_KEYS, WarningParams

_ID = re.compile(r"[a-z0-9_]+")
_RULE_KEYS = ("id", "name", "figure", "scope", "better", "bands", "severity", "message")
_METRIC_PARAMETERS = tuple(field.name for field in dataclasses.fields(MetricParams))
_PARAMETERS = _METRIC_PARAMETERS + tuple(WARNING_KEYS)
_ALLOWED = ", ".join("{" + name + "}" for name in PLACEHOLDERS)


def load_rules(path: Path, activities: Sequence[str], text: str | None = None) -> RuleSet:
    """Reads and validates a rules file; activities are the codes of config/activities.yaml.
    With `text` (a version stored in the database), that text is read and `path` only
    names it in errors.

    Raises ConfigError "<file>, line <n>, key '<key>': <problem>" on the first problem.
    """
    reader = Reader(path)
    # File missing, not UTF-8, not YAML, hostile, empty: ConfigError with the line.
    root = _compose(path) if text is None else compose_text(text, path)
    top = reader.mapping(root, "", required=("rules",), optional=("parameters",))
    params, warning = (
        _parameters(reader, top["parameters"])
        if "parameters" in top
        else (MetricParams(), WarningParams())
    )
    rules: list[Rule] = []
    first_lines: dict[str, int] = {}  # rule id -> line, to point a duplicate at the first
    for item in reader.sequence(top["rules"], "rules"):
        rule = _rule(reader, item, activities, first_lines)
        first_lines[rule.id] = rule.line
        rules.append(rule)
    return RuleSet(params=params, rules=tuple(rules), warning=warning)


def load_default_rules(config_dir: Path = CONFIG_DIR) -> RuleSet:
    """config/rules.yaml, checked against the activities of config/activities.yaml."""
    activities = [activity.code for activity in load_activities(config_dir)]
    return load_rules(config_dir / "rules.yaml", activities)


def check_config_text(
    path: Path, activities: Sequence[str], text: str | None = None
) -> tuple[bool, str]:
    """(ok, report) for `check-config`: a one-line summary, or the error with file and line
    (`text`: see load_rules)."""
    try:
        rule_set = load_rules(path, activities, text)
    except ConfigError as exc:
        return False, str(exc)
    count = len(rule_set.rules)
    params = ", ".join(
        [f"{name}={getattr(rule_set.params, name)}" for name in _METRIC_PARAMETERS]
        + [f"{key}={getattr(rule_set.warning, name)}" for key, name in WARNING_KEYS.items()]
    )
    return True, f"{path}: {count} rule{'' if count == 1 else 's'}, parameters: {params}"


def _parameters(reader: Reader, node: yaml.Node) -> tuple[MetricParams, WarningParams]:
    # Every parameter is optional: one left out keeps the default of its dataclass.
    fields = reader.mapping(node, "parameters", required=(), optional=_PARAMETERS)
    values = {
        name: reader.whole_number(value, f"parameters.{name}")
        for name, value in fields.items()
        if name in _METRIC_PARAMETERS
    }
    # A cohort of no loans has no rate to compare: the smallest group is one loan.
    if values.get("min_cohort_size") == 0:
        reader.fail(
            fields["min_cohort_size"], "parameters.min_cohort_size", "must be at least 1, not 0"
        )
    return MetricParams(**values), _warning(reader, fields)


def _warning(reader: Reader, fields: dict[str, yaml.Node]) -> WarningParams:
    """The early warning's parameters (core.warning.params) among `parameters:`."""
    values: dict[str, object] = {}
    for key, name in WARNING_KEYS.items():
        if key not in fields:
            continue
        if key == "warning_threshold":
            number = reader.number(fields[key], f"parameters.{key}")
            if not 0 < number < 1:
                reader.fail(
                    fields[key],
                    f"parameters.{key}",
                    f"must lie between 0 and 1 (a fraction: 0.3 for 30%), not {number}",
                )
            values[name] = number
        else:
            days = reader.whole_number(fields[key], f"parameters.{key}")
            if days == 0:
                reader.fail(fields[key], f"parameters.{key}", "must be at least 1 day, not 0")
            values[name] = days
    return WarningParams(**values)  # type: ignore[arg-type]


def _rule(reader: Reader, node: yaml.Node, activities: Sequence[str], seen: dict[str, int]) -> Rule:
    if not isinstance(node, yaml.MappingNode):
        reader.fail(node, "rules", f"each rule must be a mapping, not {describe(node)}")
    fields = reader.mapping(node, "", _RULE_KEYS, ("per",))
    rule_id = reader.text(fields["id"], "id")
    if not _ID.fullmatch(rule_id):
        reader.fail(
            fields["id"], "id", f"{rule_id!r} must use only a-z, 0-9 and _ (e.g. par30_limit)"
        )
    if rule_id in seen:
        reader.fail(
            fields["id"],
            "id",
            f"duplicate rule id {rule_id!r} (first used on line {seen[rule_id]})",
        )
    names = reader.mapping(fields["name"], "name", ("en", "zh"))
    figure = _figure(reader, fields["figure"], activities)
    scope = reader.choice(fields["scope"], "scope", SCOPES)
    per = _per(reader, fields["per"], figure) if "per" in fields else None
    better = _better(reader, fields["better"], figure)
    severity = reader.choice(fields["severity"], "severity", SEVERITIES)
    target, warn, fail = read_bands(reader, fields["bands"], better, figure_kind(figure))
    messages = reader.mapping(fields["message"], "message", ("en", "zh"))
    return Rule(
        id=rule_id,
        name_en=reader.text(names["en"], "name.en"),
        name_zh=reader.text(names["zh"], "name.zh"),
        figure=figure,
        scope=scope,
        per=per,
        better=better,
        target=target,
        warn=warn,
        fail=fail,
        severity=severity,
        message_en=_template(reader, messages["en"], "message.en", per),
        message_zh=_template(reader, messages["zh"], "message.zh", per),
        line=line_of(node),
    )


def _figure(reader: Reader, node: yaml.Node, activities: Sequence[str]) -> str:
    figure = reader.text(node, "figure")
    activity = time_share_activity(figure)
    if activity is not None:
        if activity not in activities:
            reader.fail(
                node,
                "figure",
                f"unknown activity {activity!r} in {figure!r}"
                f" (activities: {', '.join(activities)})",
            )
    elif figure not in FIGURES_BY_KEY:
        close = difflib.get_close_matches(figure, list(FIGURES_BY_KEY), n=1)
        guess = f"did you mean {close[0]!r}? " if close else ""
        reader.fail(
            node,
            "figure",
            f"unknown figure {figure!r} ({guess}a figure is a key of core.metrics.figures"
            " or time_share.<activity>)",
        )
    return figure


def _per(reader: Reader, node: yaml.Node, figure: str) -> str:
    per = reader.choice(node, "per", PER_CASE)
    spec = FIGURES_BY_KEY.get(figure)
    cases = spec.cases if spec is not None else None
    # A per-case rule lists the cases behind its figure, so they must be of that kind.
    if cases is None:
        reader.fail(node, "per", f"figure {figure!r} has no cases behind it; leave 'per' out")
    if per != cases:
        reader.fail(node, "per", f"the cases behind {figure!r} are {cases}s, not {per}s")
    return per


def _better(reader: Reader, node: yaml.Node, figure: str) -> str:
    better = reader.choice(node, "better", BETTER)
    spec = FIGURES_BY_KEY.get(figure)
    # A goal pointing the wrong way (PAR30 "higher") is a typo, never an intention.
    if spec is not None and better != RANGE and spec.better not in ("none", better):
        reader.fail(
            node,
            "better",
            f"better: {better} contradicts figure {figure!r}, where {spec.better} is better",
        )
    return better


def _template(reader: Reader, node: yaml.Node, key: str, per: str | None) -> str:
    text = reader.text(node, key)
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        reader.fail(node, key, f"not a valid template ({exc}); write {{{{ and }}}} for braces")
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in PLACEHOLDERS:
            reader.fail(node, key, f"unknown placeholder {{{field}}} (allowed: {_ALLOWED})")
        if spec or conversion:
            reader.fail(
                node, key, f"placeholder {{{field}}} takes no format: values format themselves"
            )
        if field == "count" and per is None:
            reader.fail(node, key, "{count} needs per: loan or per: borrower")
    return text
