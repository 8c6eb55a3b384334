"""The configuration check's messages in Chinese: every refusal the config tests provoke
(and the few they do not) is translated with no English word left besides the file's own
keys, codes and values; every translation is used; a few read exactly as written."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import tests.unit.test_config as activity_tests
import tests.unit.test_review_template as template_tests
import tests.unit.test_rules_config as rules_tests
from core.admin.config_versions import check_config, decode_upload
from core.config.lists import ConfigError, load_activities, load_exit_reasons
from core.config.messages_zh import PATTERNS, WHOLE_PATTERNS, to_chinese
from core.metrics.figures import FIGURES_BY_KEY
from core.metrics.params import MetricParams
from core.paths import CONFIG_DIR
from core.reviews.template import TREND_FIGURES, check_template_text, load_review_template
from core.rules import check_config_text, load_rules
from core.rules.schema import BETTER, PER_CASE, PLACEHOLDERS, SCOPES, SEVERITIES

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
# The files' own words: keys, enum values, figure codes, and the formats named as such.
KEYS = {
    *("parameters", "rules", "id", "name", "figure", "scope", "better", "bands", "severity"),
    *("message", "per", "target", "warn", "fail", "cycle", "due_days", "remind_days"),
    *("ratings", "sections", "key", "title", "prompt", "figures", "chart", "plan", "code"),
    *("activities", "exit_reasons", "true", "false", "range"),
    *SCOPES, *BETTER, *PER_CASE, *SEVERITIES, *PLACEHOLDERS, *TREND_FIGURES,
    *(f.name for f in dataclasses.fields(MetricParams)), *FIGURES_BY_KEY,
    *("YAML", "UTF", "NUL"), *rules_tests.ACTIVITIES,
}  # fmt: skip


def english_left(text: str) -> list[str]:
    """Runs of 3+ ASCII letters left once quoted values, paths, placeholders and the files'
    own words are taken out."""
    codes = r"[A-Za-z0-9_.\-]*[0-9_.][A-Za-z0-9_.\-]*"  # min_cohort_size, par30, 0.95
    for pattern in (r"'[^']*'", r"\{[^}]*\}", r"<[^>]*>", r"\S*[/\\]\S*", codes):
        text = re.sub(pattern, " ", text)
    return [w for w in ENGLISH_WORD.findall(text) if w not in KEYS]


def _parametrized(test: Callable[..., Any]) -> list[Any]:
    mark = next(m for m in test.pytestmark if m.name == "parametrize")  # type: ignore[attr-defined]
    return list(mark.args[1])


def _refusal(load: Callable[[], object]) -> str:
    with pytest.raises(ConfigError) as caught:
        load()
    return str(caught.value)


def _rules_messages(folder: Path) -> Iterator[str]:
    path = folder / "rules.yaml"
    activities = rules_tests.ACTIVITIES
    cases = [c[0] for c in _parametrized(rules_tests.test_errors_name_file_line_and_key)]
    cases += [
        rules_tests._edit(  # a count has no loans behind it
            ("    scope", "    per: loan\n    scope"), ("recovery_rate\n", "disbursed_count\n")
        ),
        rules_tests._edit(("figure: recovery_rate", "figure: time_share.travel")),
        rules_tests._edit(("id: recovery", "id: ''")),
        "rules:\n  - id: a\n    id: b\n",
        "",
        rules_tests._edit(("scope: officer", "scope: [officer")),
        rules_tests.DEEP_LIST,
        rules_tests.LAUGHS,
    ]
    for text in cases:
        path.write_text(text, encoding="utf-8")
        yield _refusal(lambda: load_rules(path, activities))
    yield _refusal(lambda: load_rules(folder / "absent.yaml", activities))
    path.write_bytes(b"rules:\n  - id: \xff\n")
    yield _refusal(lambda: load_rules(path, activities))
    path.write_text(rules_tests.VALID, encoding="utf-8")
    yield check_config_text(path, activities)[1]


def _template_messages(folder: Path) -> Iterator[str]:
    path = folder / "review_template.yaml"
    good = template_tests.GOOD
    changes = [
        c[0] for c in _parametrized(template_tests.test_a_broken_template_names_the_line_and_key)
    ]
    changes += [
        ("    rules: [time_learning]\n  - key: shortcomings",
         "    rules: [time_learning]\n    plan: true\n  - key: shortcomings"),
        ("  - code: \"2\"", "  - code: \"1\""),
    ]  # fmt: skip
    texts = [good.replace(old, new, 1) for old, new in changes if old in good]
    assert len(texts) == len(changes)
    cycle = "cycle: {due_days: 15, remind_days: 10}\n"
    texts += [
        cycle + "ratings: []\nsections: []\n",
        cycle + "ratings: [{code: '1', name: {en: A, zh: 甲}}]\nsections: []\n",
    ]
    for text in texts:
        path.write_text(text, encoding="utf-8")
        yield _refusal(lambda: load_review_template(path, template_tests.RULES))
    path.write_text(good, encoding="utf-8")
    yield check_template_text(path, template_tests.RULES)[1]


def _list_messages(folder: Path) -> Iterator[str]:
    cases = [c[0] for c in _parametrized(activity_tests.test_bad_files_name_the_line)]
    cases += [
        "activities:\n  - code: a\n    name: [A]\n",
        "activities:\n  - a\n",
        "- a\n",
        "activities: []\n",
        "activities:\n  - code: ''\n    name: {en: A, zh: 甲}\n",
        "activities:\n  - code: a\n    code: b\n",
    ]
    for text in cases:
        (folder / "activities.yaml").write_text(text, encoding="utf-8")
        yield _refusal(lambda: load_activities(folder))
    reason = "  - code: a\n    name: {en: A, zh: 甲}\n"
    (folder / "exit_reasons.yaml").write_text("exit_reasons:\n" + reason * 2, encoding="utf-8")
    yield _refusal(lambda: load_exit_reasons(folder))


def _upload_messages(folder: Path) -> Iterator[str]:
    config = Path(shutil.copytree(CONFIG_DIR, folder / "config"))
    yield _refusal(lambda: decode_upload("rules.yaml", b"x" * (300 * 1024)))
    yield _refusal(lambda: decode_upload("rules.yaml", b"rules: \xff"))
    yield _refusal(lambda: decode_upload("rules.yaml", b"rules: \x00"))
    yield _refusal(lambda: check_config(config, "activities.yaml", "activities: []"))
    # Rules that drop a rule the active template names.
    rules = (config / "rules.yaml").read_text(encoding="utf-8")
    dropped = rules.replace("id: visit_coverage", "id: visit_cover")
    yield _refusal(lambda: check_config(config, "rules.yaml", dropped))
    yield check_config(config, "rules.yaml", rules)


def all_messages(folder: Path) -> list[str]:
    """Every message of the cases above, each in a fresh sub-folder."""
    found: list[str] = []
    for index, source in enumerate(
        (_rules_messages, _template_messages, _list_messages, _upload_messages)
    ):
        sub = folder / str(index)
        sub.mkdir()
        found += list(source(sub))
    return found


@pytest.fixture(scope="module")
def messages(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return all_messages(tmp_path_factory.mktemp("config"))


def test_every_message_is_translated_without_english_left(messages: list[str]) -> None:
    assert len(messages) > 90
    untranslated = [m for m in messages if to_chinese(m) == m]
    assert untranslated == []
    left = {m: english_left(to_chinese(m)) for m in messages}
    assert {m: words for m, words in left.items() if words} == {}


def test_every_translation_is_used(messages: list[str]) -> None:
    problems = []
    for message in messages:
        problems += [message.split(": ", 1)[1], *message.split(": ")[1:]]
    unused = [
        pattern.pattern
        for pattern, _ in PATTERNS
        if not any(pattern.fullmatch(p) for p in problems)
    ]
    assert unused == []
    assert [p.pattern for p, _ in WHOLE_PATTERNS if not any(p.fullmatch(m) for m in messages)] == [
        "there is no stored configuration version (?P<id>\\d+)"
    ]  # from a restore of a version that is not there: tests/db/test_config_versions.py


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "rules.yaml, line 11, key 'bands.warn': warn (0.99) must not be above target "
            "(0.98) for better: higher",
            "rules.yaml 第 11 行，键 'bands.warn'：better: higher 时，warn（0.99）不能高于 "
            "target（0.98）",
        ),
        (
            "rules.yaml, line 7, key 'scope': unknown value 'village' (expected officer | "
            "team | branch)",
            "rules.yaml 第 7 行，键 'scope'：未知的值 'village'（应为 officer | team | branch）",
        ),
        (
            "rules.yaml, line 9, key 'bands.warn': must be a number, not text ('98%'); "
            "ratios are fractions: write 0.95 for 95%",
            "rules.yaml 第 9 行，键 'bands.warn'：必须是数字，而不是文字（'98%'）；比率写成小数："
            "95% 写作 0.95",
        ),
        (
            "rules.yaml, line 8: not valid YAML (while parsing a flow sequence\n  in "
            "\"<unicode string>\", line 7, column 12\nexpected ',' or ']', but got ':'\n"
            '  in "<unicode string>", line 8, column 11)',
            "rules.yaml 第 8 行：不是有效的 YAML 格式（第 11 列附近有误；请检查缩进、冒号、括号和"
            "引号）",
        ),
        (
            "rules.yaml: the active review_template.yaml does not fit these rules: "
            "review_template.yaml, line 40, key 'sections[3].rules': unknown rule "
            "'visit_coverage' (see config/rules.yaml)",
            "rules.yaml：当前使用的 review_template.yaml 与这些规则不符：review_template.yaml "
            "第 40 行，键 'sections[3].rules'：未知的规则 'visit_coverage'（见 config/rules.yaml）",
        ),
        (
            "rules.yaml: 1 rule, parameters: grace_days=0",
            "rules.yaml：共 1 条规则，参数：grace_days=0",
        ),
        ("there is no stored configuration version 9", "没有编号为 9 的已保存配置版本"),
        (
            "rules.yaml, line 1: too deeply nested (more than 50 levels)",
            "rules.yaml 第 1 行：嵌套层数太多（超过 50 层）",
        ),
        (
            "something new: that this version does not know",
            "something new: that this version does not know",
        ),
    ],
)
def test_some_translations_exactly(english: str, chinese: str) -> None:
    assert to_chinese(english) == chinese
