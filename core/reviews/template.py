"""config/review_template.yaml: the review's sections with their prompts and evidence, the
rating scale, and when a quarter's review is due. Validated on load against the figures
registry and the rules, with errors naming the file, the line and the key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from core.config.lists import ConfigError, _compose, compose_text
from core.metrics.figures import FIGURES_BY_KEY
from core.rules.nodes import BOOL, Reader
from core.rules.schema import RuleSet

TREND_FIGURES = ("recovery_rate", "on_time_rate", "par30")


@dataclass(frozen=True)
class Named:
    """A code with its names in both languages."""

    code: str
    en: str
    zh: str

    def name(self, language: str) -> str:
        """The name in `language` ("zh" or anything else for English)."""
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class Section:
    """One section of the review."""

    key: str
    title_en: str
    title_zh: str
    prompt_en: str
    prompt_zh: str
    figures: tuple[str, ...]
    rules: tuple[str, ...]
    chart: str | None
    plan: bool

    def title(self, language: str) -> str:
        """The title in `language`."""
        return self.title_zh if language == "zh" else self.title_en

    def prompt(self, language: str) -> str:
        """The prompt in `language`."""
        return self.prompt_zh if language == "zh" else self.prompt_en


DEFAULT_SUBMIT_FROM_DAYS = 10
MAX_SUBMIT_FROM_DAYS = 89


@dataclass(frozen=True)
class ReviewTemplate:
    """The whole template: sections in order, ratings worst first, and the cycle."""

    sections: tuple[Section, ...]
    ratings: tuple[Named, ...]
    due_days: int
    remind_days: int
    # Officers may submit from this many days before the quarter's last day: a review
    # submitted earlier would freeze figures that still have most of the quarter to move.
    submit_from_days: int = DEFAULT_SUBMIT_FROM_DAYS

    def section(self, key: str) -> Section:
        """The section with this key; KeyError if there is none."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def rating(self, code: str) -> Named:
        """The rating with this code; KeyError if there is none."""
        for rating in self.ratings:
            if rating.code == code:
                return rating
        raise KeyError(code)

    @property
    def plan_section(self) -> Section | None:
        """The section that holds next quarter's goals, if the template has one."""
        return next((s for s in self.sections if s.plan), None)


def _both(reader: Reader, node: yaml.Node, key: str) -> tuple[str, str]:
    names = reader.mapping(node, key, required=("en", "zh"))
    return reader.text(names["en"], f"{key}.en"), reader.text(names["zh"], f"{key}.zh")


def _codes(reader: Reader, node: yaml.Node, key: str) -> list[tuple[str, yaml.Node]]:
    return [(reader.text(item, key), item) for item in reader.sequence(node, key)]


def _section(reader: Reader, node: yaml.Node, index: int, rules: RuleSet) -> Section:
    key = f"sections[{index}]"
    fields = reader.mapping(
        node,
        key,
        required=("key", "title", "prompt", "figures", "rules"),
        optional=("chart", "plan"),
    )
    code = reader.text(fields["key"], f"{key}.key")
    title_en, title_zh = _both(reader, fields["title"], f"{key}.title")
    prompt_en, prompt_zh = _both(reader, fields["prompt"], f"{key}.prompt")
    figures = []
    for figure, item in _codes(reader, fields["figures"], f"{key}.figures"):
        if figure not in FIGURES_BY_KEY:
            reader.fail(item, f"{key}.figures", f"unknown figure {figure!r} (see docs/metrics.md)")
        figures.append(figure)
    rule_ids = []
    known = {rule.id: rule for rule in rules.rules}
    for rule_id, item in _codes(reader, fields["rules"], f"{key}.rules"):
        if rule_id not in known:
            reader.fail(item, f"{key}.rules", f"unknown rule {rule_id!r} (see config/rules.yaml)")
        if known[rule_id].scope != "officer":
            # A review's evidence is the officer's own findings: this one would never show.
            reader.fail(
                item,
                f"{key}.rules",
                f"rule {rule_id!r} judges a {known[rule_id].scope}, not the officer: "
                "a review shows only officer rules",
            )
        rule_ids.append(rule_id)
    chart = None
    if "chart" in fields:
        chart = reader.choice(fields["chart"], f"{key}.chart", TREND_FIGURES)
    plan = False
    if "plan" in fields:
        flag = fields["plan"]
        if not isinstance(flag, yaml.ScalarNode) or flag.tag != BOOL:
            reader.fail(flag, f"{key}.plan", "must be true or false")
        plan = str(flag.value).lower() in ("true", "yes", "on")
    return Section(
        code, title_en, title_zh, prompt_en, prompt_zh, tuple(figures), tuple(rule_ids), chart, plan
    )


def load_review_template(path: Path, rules: RuleSet, text: str | None = None) -> ReviewTemplate:
    """Reads and validates a review template; `rules` are the goal rules it may name. With
    `text` (a version stored in the database), that text is read and `path` only names it.

    Raises ConfigError "<file>, line <n>, key '<key>': <problem>" on the first problem.
    """
    reader = Reader(path)
    root = _compose(path) if text is None else compose_text(text, path)
    top = reader.mapping(root, "", required=("cycle", "ratings", "sections"))
    cycle = reader.mapping(
        top["cycle"], "cycle", required=("due_days", "remind_days"), optional=("submit_from_days",)
    )
    due_days = reader.whole_number(cycle["due_days"], "cycle.due_days")
    remind_days = reader.whole_number(cycle["remind_days"], "cycle.remind_days")
    submit_from_days = DEFAULT_SUBMIT_FROM_DAYS
    if "submit_from_days" in cycle:
        submit_from_days = reader.whole_number(cycle["submit_from_days"], "cycle.submit_from_days")
        # A quarter has at least 90 days; opening before it starts would mean "any time".
        if submit_from_days > MAX_SUBMIT_FROM_DAYS:
            reader.fail(
                cycle["submit_from_days"],
                "cycle.submit_from_days",
                f"must be at most {MAX_SUBMIT_FROM_DAYS} (days before the quarter ends)",
            )
    ratings: list[Named] = []
    for index, item in enumerate(reader.sequence(top["ratings"], "ratings")):
        key = f"ratings[{index}]"
        fields = reader.mapping(item, key, required=("code", "name"))
        code = reader.text(fields["code"], f"{key}.code")
        if any(r.code == code for r in ratings):
            reader.fail(fields["code"], f"{key}.code", f"duplicate rating {code!r}")
        ratings.append(Named(code, *_both(reader, fields["name"], f"{key}.name")))
    if not ratings:
        reader.fail(top["ratings"], "ratings", "must list at least one rating")
    sections: list[Section] = []
    for index, item in enumerate(reader.sequence(top["sections"], "sections")):
        section = _section(reader, item, index, rules)
        if any(s.key == section.key for s in sections):
            reader.fail(item, f"sections[{index}].key", f"duplicate section {section.key!r}")
        sections.append(section)
    if not sections:
        reader.fail(top["sections"], "sections", "must list at least one section")
    plans = [s for s in sections if s.plan]
    if len(plans) > 1:
        reader.fail(top["sections"], "sections", "only one section may be the plan (plan: true)")
    return ReviewTemplate(tuple(sections), tuple(ratings), due_days, remind_days, submit_from_days)


def check_template_text(path: Path, rules: RuleSet, text: str | None = None) -> tuple[bool, str]:
    """(ok, report) for `check-config`: a one-line summary, or the error with file and line
    (`text`: see load_review_template)."""
    try:
        template = load_review_template(path, rules, text)
    except ConfigError as exc:
        return False, str(exc)
    return True, (
        f"{path}: {len(template.sections)} sections, {len(template.ratings)} ratings, "
        f"open for submission {template.submit_from_days} days before the quarter ends, "
        f"due {template.due_days} days after the quarter"
    )
