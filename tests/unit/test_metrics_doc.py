"""docs/metrics.md explains every figure, in English and Chinese, with the parameters' defaults."""

from __future__ import annotations

import re
from dataclasses import fields

from core.metrics.figures import DAY_FIGURES, FIGURES
from core.metrics.params import MetricParams
from core.paths import PROJECT_ROOT

DOC = (PROJECT_ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")

OFFICER_KEYS = [f.key for f in (*FIGURES, *DAY_FIGURES)] + ["time_share"]
COHORT_KEYS = (
    "first_loans",
    "principal_due",
    "principal_collected",
    "recovery_rate",
    "ever_par30_loans",
    "ever_par30_rate",
)
VIEW_KEYS = ("aging", "judgement", "trends")
KEY_HEADING = re.compile(r"^#+ `([A-Za-z0-9_.]+)`")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _sections() -> list[tuple[str, str, str]]:
    """(chapter heading, heading, body) for every heading; a body runs to the next heading.

    A line starting with "#" inside a fenced code block is body, not a heading.
    """
    found: list[tuple[str, str, str]] = []
    body: list[str] = []
    chapter, heading, fenced = "", "", False
    for line in DOC.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if line.startswith("#") and not fenced:
            found.append((chapter, heading, "\n".join(body)))
            heading, body = line, []
            if line.startswith("## "):
                chapter = line
        else:
            body.append(line)
    found.append((chapter, heading, "\n".join(body)))
    return found


SECTIONS = _sections()


def _prose(body: str) -> str:
    """The body without its fenced code blocks (formulas)."""
    return re.sub(r"^```.*?^```", "", body, flags=re.DOTALL | re.MULTILINE)


def _headings_for(key: str) -> list[str]:
    return [h for _, h, _ in SECTIONS if h.startswith(f"### `{key}` — ")]


def test_every_figure_has_a_heading_with_its_names() -> None:
    missing = [key for key in OFFICER_KEYS if not _headings_for(key)]
    assert missing == []
    for spec in (*FIGURES, *DAY_FIGURES):
        (heading,) = _headings_for(spec.key)
        assert spec.name_en in heading and spec.name_zh in heading, heading


def test_every_cohort_key_has_a_heading_in_the_cohort_chapter() -> None:
    cohort_headings = [h for c, h, _ in SECTIONS if c.startswith("## ") and "Cohort" in c]
    assert cohort_headings, "no cohort chapter"
    for key in COHORT_KEYS:
        assert any(h.startswith(f"### `{key}`") for h in cohort_headings), key


def test_aging_judgement_and_trends_have_sections() -> None:
    for key in VIEW_KEYS:
        assert len(_headings_for(key)) == 1, key


def test_every_parameter_is_listed_with_its_default() -> None:
    lines = DOC.splitlines()
    for param in fields(MetricParams):
        row = [line for line in lines if line.startswith(f"| `{param.name}` |")]
        assert row, param.name
        assert f"| {param.default} |" in row[0], (param.name, param.default)


def test_headings_name_only_known_keys() -> None:
    known = {*OFFICER_KEYS, *COHORT_KEYS, *VIEW_KEYS}
    named = [m[1] for _, h, _ in SECTIONS if (m := KEY_HEADING.match(h))]
    assert [k for k in named if k not in known] == []


def test_every_figure_section_explains_in_chinese() -> None:
    figure_sections = [(h, body) for _, h, body in SECTIONS if KEY_HEADING.match(h)]
    assert len(figure_sections) >= len(OFFICER_KEYS) + len(COHORT_KEYS) + len(VIEW_KEYS)
    without = [h for h, body in figure_sections if not CJK.search(_prose(body))]
    assert without == []
