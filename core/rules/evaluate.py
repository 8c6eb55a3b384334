"""Judges figures against the rules: one Finding per rule and subject of the rule's scope.

Status by the rule's bands (value v; None is "no data"):
  higher  met if v >= warn; warning if fail <= v < warn; breached if v < fail
  lower   met if v <= warn; warning if warn < v <= fail; breached if v > fail
  range   met if warn.low <= v <= warn.high; warning if within fail; breached otherwise
target is the goal line a chart draws; it does not decide the status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.metrics.figures import DAY_FIGURE_KEYS, TIME_SHARE_PREFIX
from core.rules.formatting import format_level, format_value
from core.rules.schema import (
    BREACHED,
    HIGHER,
    MET,
    NO_DATA,
    SEVERITIES,
    STATUSES,
    WARNING,
    Rule,
    RuleSet,
    time_share_activity,
)

Value = Decimal | int | None
_NO_DATA_MESSAGE = {"en": "{name}: no data", "zh": "{name}：无数据"}


@dataclass(frozen=True)
class FigureSet:
    """One subject's figures: an officer, a team or a branch.

    values maps figure keys to values (ratios as Decimal fractions, None when a ratio has
    no denominator); "time_share.<code>" keys are present for activities with hours.
    cases maps figure keys to the loan or borrower codes behind them, where known.
    """

    subject_kind: str
    subject: str
    values: Mapping[str, Value]
    cases: Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Finding:
    """One rule judged for one subject, with its messages filled in both languages.

    cases lists the loans or borrowers behind the figure for per-case rules that are not
    met, and is () otherwise.
    """

    rule_id: str
    subject_kind: str
    subject: str
    status: str
    value: Decimal | int | None
    target: Decimal | int | tuple[Decimal, Decimal]
    severity: str
    cases: tuple[str, ...]
    message_en: str
    message_zh: str


def status_of(rule: Rule, value: Value) -> str:
    """met, warning, breached or "no data" for a value under the rule's bands."""
    if value is None:
        return NO_DATA
    number = Decimal(value)
    warn, fail = rule.warn, rule.fail
    if isinstance(warn, tuple) and isinstance(fail, tuple):
        if warn[0] <= number <= warn[1]:
            return MET
        return WARNING if fail[0] <= number <= fail[1] else BREACHED
    assert isinstance(warn, Decimal) and isinstance(fail, Decimal)  # the loader's guarantee
    if rule.better == HIGHER:
        return MET if number >= warn else WARNING if number >= fail else BREACHED
    return MET if number <= warn else WARNING if number <= fail else BREACHED


def figure_value(rule: Rule, figures: FigureSet) -> Value:
    """The value a rule judges: the figure, or 0 for an activity with no hours logged.

    An activity with no time entries has no time_share key, but its share is truly 0 when
    the subject logged other hours; with no hours at all there is nothing to judge.
    """
    if rule.figure in figures.values:
        return figures.values[rule.figure]
    if time_share_activity(rule.figure) is None or not _logged_hours(figures.values):
        return None
    return Decimal(0)


def evaluate(rules: RuleSet, figures: Sequence[FigureSet]) -> list[Finding]:
    """Findings of every rule for every FigureSet of the rule's scope, worst first.

    Order: breached, warning, no data, met; then severity high, medium, low; then the
    rules' order in the file; then the order of figures. A rule on a day figure
    (core.metrics.figures.DAY_FIGURES) is judged only for subjects whose figures hold it:
    where the day figure was not read, the rule is left out rather than called "no data".
    """
    findings: list[tuple[tuple[int, int, int], Finding]] = []
    for index, rule in enumerate(rules.rules):
        for subject in figures:
            if subject.subject_kind != rule.scope:
                continue
            if rule.figure in DAY_FIGURE_KEYS and rule.figure not in subject.values:
                continue
            finding = _judge(rule, subject)
            rank = (STATUSES.index(finding.status), SEVERITIES.index(rule.severity), index)
            findings.append((rank, finding))
    findings.sort(key=lambda pair: pair[0])  # stable: subjects keep their given order
    return [finding for _, finding in findings]


def _judge(rule: Rule, figures: FigureSet) -> Finding:
    value = figure_value(rule, figures)
    status = status_of(rule, value)
    all_cases = tuple(figures.cases.get(rule.figure, ()))
    cases = all_cases if rule.per is not None and status != MET else ()
    en, zh = (_message(rule, value, len(all_cases), lang) for lang in ("en", "zh"))
    return Finding(
        rule_id=rule.id,
        subject_kind=figures.subject_kind,
        subject=figures.subject,
        status=status,
        value=value,
        target=_target(rule),
        severity=rule.severity,
        cases=cases,
        message_en=en,
        message_zh=zh,
    )


def _message(rule: Rule, value: Value, count: int, lang: str) -> str:
    name = rule.name_en if lang == "en" else rule.name_zh
    if value is None:
        # Templates are written about a value; with none, a plain notice reads better.
        return _NO_DATA_MESSAGE[lang].format(name=name)
    template = rule.message_en if lang == "en" else rule.message_zh
    # Safe: the loader allows only these four bare placeholders, no attributes or formats.
    return template.format(
        value=format_value(rule.kind, value, lang),
        target=format_level(rule.kind, rule.target, lang),
        name=name,
        count=count,
    )


def _target(rule: Rule) -> Decimal | int | tuple[Decimal, Decimal]:
    target = rule.target
    if isinstance(target, Decimal) and rule.kind == "count" and target == int(target):
        return int(target)
    return target


def _logged_hours(values: Mapping[str, Value]) -> bool:
    if "hours" in values:
        hours = values["hours"]
        return hours is not None and hours > 0
    # Without an hours figure, any positive share of another activity shows time was logged.
    return any(
        key.startswith(TIME_SHARE_PREFIX) and value is not None and value > 0
        for key, value in values.items()
    )
