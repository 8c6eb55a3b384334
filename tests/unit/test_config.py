"""config/activities.yaml is validated with the file, line and key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config.lists import ConfigError, load_activities
from core.paths import CONFIG_DIR


def test_the_shipped_activities() -> None:
    activities = load_activities(CONFIG_DIR)
    assert [a.code for a in activities] == [
        "appraisal",
        "collection",
        "return_visits",
        "group_meetings",
        "training",
        "office",
        "travel",
        "learning",
    ]
    assert activities[1].name_zh == "催收"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: the file is empty"),
        ("activities: [\n", "not valid YAML"),
        (
            "activities:\n  - code: a\n    name: {en: A, zh: 甲}\n    colour: red\n",
            "line 4: unknown key 'colour'",
        ),
        ("activities:\n  - code: a\n", "line 2: missing key 'name'"),
        (
            "activities:\n  - code: a\n    name: {en: A, zh: 甲}\n"
            "  - code: a\n    name: {en: B, zh: 乙}\n",
            "line 4: duplicate activity 'a'",
        ),
        ("activity: []\n", "line 1: unknown key 'activity'"),
    ],
)
def test_bad_files_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "activities.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as error:
        load_activities(tmp_path)
    assert "activities.yaml" in str(error.value)
