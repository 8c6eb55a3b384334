"""config/review_template.yaml loads, and a broken template is refused with file, line and
key."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config.lists import ConfigError
from core.paths import CONFIG_DIR
from core.reviews.template import load_review_template
from core.rules import load_default_rules

RULES = load_default_rules()
GOOD = (CONFIG_DIR / "review_template.yaml").read_text(encoding="utf-8")


def test_the_shipped_template() -> None:
    template = load_review_template(CONFIG_DIR / "review_template.yaml", RULES)
    assert [s.key for s in template.sections] == [
        "judging", "customers", "time", "service", "growth", "shortcomings", "plan",
    ]  # fmt: skip
    assert template.plan_section is not None and template.plan_section.key == "plan"
    assert [r.code for r in template.ratings] == ["1", "2", "3", "4", "5"]
    assert (template.due_days, template.remind_days, template.submit_from_days) == (15, 10, 10)
    customers = template.section("customers")
    assert "training_before_first_loan" in customers.rules
    assert "五天" in customers.prompt("zh") and "five days" in customers.prompt("en")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("figures: [recovery_rate, on_time_rate, par30, writeoff_count]",
          "figures: [recovery_rate, no_such_figure]"),
         "key 'sections[0].figures': unknown figure 'no_such_figure'"),
        (("rules: [visit_coverage]", "rules: [visit_coverage, no_such_rule]"),
         "key 'sections[3].rules': unknown rule 'no_such_rule'"),
        (("rules: [visit_coverage]", "rules: [visit_coverage, branch_par30]"),
         "key 'sections[3].rules': rule 'branch_par30' judges a branch, not the officer"),
        (("chart: recovery_rate", "chart: hours"),
         "key 'sections[0].chart': unknown value 'hours'"),
        (("  due_days: 15\n", ""), "key 'cycle.due_days': missing key"),
        (("  submit_from_days: 10", "  submit_from_days: 90"),
         "key 'cycle.submit_from_days': must be at most 89 (days before the quarter ends)"),
        (("  submit_from_days: 10", "  submit_from_days: -1"),
         "key 'cycle.submit_from_days': must not be negative"),
        (("  - key: customers", "  - key: judging"),
         "key 'sections[1].key': duplicate section 'judging'"),
        (("    plan: true", "    plan: yes please"),
         "key 'sections[6].plan': must be true or false"),
    ],
)  # fmt: skip
def test_a_broken_template_names_the_line_and_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in GOOD
    path = tmp_path / "review_template.yaml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_review_template(path, RULES)
    assert message in str(refused.value)
    assert str(path) in str(refused.value) and ", line " in str(refused.value)


def test_only_one_section_may_hold_the_plan(tmp_path: Path) -> None:
    old = "    rules: [time_learning]\n  - key: shortcomings"
    assert old in GOOD
    path = tmp_path / "review_template.yaml"
    new = "    rules: [time_learning]\n    plan: true\n  - key: shortcomings"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="only one section may be the plan"):
        load_review_template(path, RULES)


def test_a_template_without_submit_from_days_opens_submission_ten_days_before_the_end(
    tmp_path: Path,
) -> None:
    path = tmp_path / "review_template.yaml"
    path.write_text(GOOD.replace("  submit_from_days: 10\n", "", 1), encoding="utf-8")
    assert load_review_template(path, RULES).submit_from_days == 10
