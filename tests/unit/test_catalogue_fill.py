"""How a catalogue text is filled in: a count's noun takes its singular form at 1, in the
screens (app.i18n.t) and in what core writes (the daily digests) alike."""

from __future__ import annotations

import re

import pytest

from app.i18n import load_catalog
from core.config.catalogue import fill


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"days": 1}, "Paid 1 day late"),
        ({"days": "1"}, "Paid 1 day late"),  # a number the screen has formatted
        ({"days": 0}, "Paid 0 days late"),
        ({"days": 11}, "Paid 11 days late"),
        ({"days": "1,001"}, "Paid 1,001 days late"),
    ],
)
def test_a_count_of_one_takes_the_singular(values: dict[str, object], expected: str) -> None:
    assert fill("Paid {days} {days|day|days} late", **values) == expected


def test_each_form_follows_its_own_count_and_verbs_agree_too() -> None:
    text = "{count} {count|problem|problems} in {files} {files|file is|files are}"
    assert fill(text, count=1, files=2) == "1 problem in 2 files are"
    assert fill(text, count=3, files=1) == "3 problems in 1 file is"


def test_a_text_without_forms_is_formatted_as_before() -> None:
    assert fill("{name} · {date}", name="王芳", date="2026-12-04") == "王芳 · 2026-12-04"
    assert fill("{{literal}} braces stay") == "{{literal}} braces stay"  # no values: as is
    # Any name can be a placeholder, the names of fill's own argument included.
    assert fill("{text} / {template}", text="a", template="b") == "a / b"


def test_the_catalogues_use_forms_only_in_english_and_only_on_their_own_counts() -> None:
    forms = re.compile(r"\{(\w+)\|[^{}|]*\|[^{}|]*\}")
    english = load_catalog("en")
    for key, text in english.items():
        for name in forms.findall(text):
            assert "{" + name + "}" in text, f"{key}: the form follows {name}, not in the text"
    assert not [key for key, text in load_catalog("zh").items() if forms.search(text)]
    assert fill(english["plan.loan"], loan="L1", dpd=1, arrears="¥0", expected="¥0") == (
        "L1 · 1 day late · arrears ¥0 · expected ¥0"
    )
    assert fill(english["digest.last_import"], date="3 Dec 2026", days=1) == (
        "Last import: 3 Dec 2026 (1 day ago)."
    )
