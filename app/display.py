"""How figures, goals and statuses read on every screen, in the reader's language: one
colour and one word per status, a figure's name and its value as text, a goal's band and
line, and the name of anything configured in both languages.

Screens import these instead of copying them, so a status is the same colour and a figure
the same words on the home page, the quarter, the team view, a review and its printout.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from app.i18n import current_language, money, number, percent, t
from app.resources import cached_code_owners, data_version, get_activities
from core.auth.scope import Scope
from core.config.lists import Activity
from core.metrics.figures import FIGURES_BY_KEY
from core.portfolio.names import CodeOwner
from core.rules import NO_DATA, Finding, Rule
from core.rules.describe import BETWEEN, BandPart, status_band
from core.rules.formatting import format_bound

# One colour per status, the same on every screen.
STATUS_COLOURS = {"met": "green", "warning": "orange", "breached": "red", "no data": "gray"}


class Named(Protocol):
    """Anything configured with a name in both languages (a figure, a rule, an activity)."""

    @property
    def name_en(self) -> str: ...

    @property
    def name_zh(self) -> str: ...


def in_language(english: str, chinese: str) -> str:
    """The one of two texts that is in the reader's language."""
    return chinese if current_language() == "zh" else english


def name_of(item: Named) -> str:
    """A configured item's name in the reader's language."""
    return in_language(item.name_en, item.name_zh)


def configured_name(items: Sequence[Activity], code: str) -> str:
    """A configured code's name in the reader's language; the bare code when the config no
    longer has it (a visit or entry recorded before the code was removed)."""
    for item in items:
        if item.code == code:
            return name_of(item)
    return code


def status_word(status: str) -> str:
    """A goal status ("met", "warning", "breached", "no data") as a word of the reader."""
    return t(f"quarter.status.{status.replace(' ', '_')}")


def status_badge(status: str) -> str:
    """The shared colour and the translated word for a status, as Markdown."""
    return f":{STATUS_COLOURS.get(status, 'gray')}[{status_word(status)}]"


def figure_name(figure: str) -> str:
    """A figure's (or an activity share's) name in the reader's language."""
    if figure.startswith("time_share."):
        activity = configured_name(get_activities(), figure.removeprefix("time_share."))
        return t("review.time_share", activity=activity)
    return name_of(FIGURES_BY_KEY[figure])


def value_text(figure: str, value: object) -> str:
    """A figure's value as shown: 97.5%, ¥1,234.00, 12, 6.5 h, or — when undefined (None;
    a figure's value is a Decimal or an int: anything else reads as undefined too)."""
    if not isinstance(value, Decimal | int):
        return "—"
    kind = "ratio" if figure.startswith("time_share.") else FIGURES_BY_KEY[figure].kind
    if kind == "ratio":
        return percent(Decimal(value))
    if kind == "money":
        return money(Decimal(value))
    if kind == "hours":
        return t("review.hours", hours=f"{value:,.2f}")
    return number(int(value))


def target_text(figure: str, target: str) -> str:
    """A finding's target as shown: one value, or a range low–high."""
    if not target:
        return ""
    parts = [value_text(figure, Decimal(part)) for part in target.split("-")]
    return "–".join(parts)


def _part_text(kind: str, part: BandPart) -> str:
    bounds = [format_bound(kind, b, current_language()) for b in part.bounds]
    if part.relation == BETWEEN:
        return t("quarter.band.between", low=bounds[0], high=bounds[1])
    return t(f"quarter.band.{part.relation}", value=bounds[0])


def band_text(rule: Rule, status: str, value: Decimal | int | None = None) -> str:
    """The band of `rule` that gives `status` (for a range, the side `value` is on), in
    the reader's language: "98% or more", "95% to 98%", "below 95%"; "" for no data."""
    parts = [_part_text(rule.kind, part) for part in status_band(rule, status, value)]
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = t("quarter.band.or", first=text, second=part)
    return text


def goal_words(rule: Rule) -> str:
    """The rule's goal line as people read it: 100%, 0, 10%–25%, 80–150."""
    target = rule.target
    bounds = target if isinstance(target, tuple) else (target,)
    return "–".join(format_bound(rule.kind, b, current_language()) for b in bounds)


def status_line(rule: Rule, finding: Finding) -> str:
    """A finding as one Markdown line: the status in its colour, the band that decided it
    and the goal, e.g. ":green[**Goal met**]: 98% or more · goal 100%"."""
    status = f":{STATUS_COLOURS[finding.status]}[**{status_word(finding.status)}**]"
    band = "" if finding.status == NO_DATA else band_text(rule, finding.status, finding.value)
    if not band:
        return t("quarter.tile_goal", status=status, target=goal_words(rule))
    return t("quarter.tile_band", status=status, band=band, target=goal_words(rule))


def cases_owners(
    scope: Scope, cases: Sequence[tuple[str, Sequence[str]]]
) -> dict[str, dict[str, CodeOwner]]:
    """case_owners for many (figure, codes) lists at once, by figure: one query per kind of
    case (loans, borrowers) rather than one per list, for pages listing the cases of many
    findings (an admin's Home: every officer of the cooperative)."""
    kinds: dict[str, set[str]] = {"loan": set(), "borrower": set()}
    for figure, codes in cases:
        spec = FIGURES_BY_KEY.get(figure.split(".")[0])
        if spec is not None and spec.cases in kinds:
            kinds[spec.cases].update(codes)
    version = data_version()
    loans = (
        cached_code_owners(scope, tuple(sorted(kinds["loan"])), (), version)
        if kinds["loan"]
        else {}
    )
    borrowers = (
        cached_code_owners(scope, (), tuple(sorted(kinds["borrower"])), version)
        if kinds["borrower"]
        else {}
    )
    found: dict[str, dict[str, CodeOwner]] = {}
    for figure, _ in cases:
        spec = FIGURES_BY_KEY.get(figure.split(".")[0])
        if spec is not None and spec.cases is not None:
            found[figure] = loans if spec.cases == "loan" else borrowers
    return found


def case_owners(scope: Scope, figure: str, codes: Sequence[str]) -> dict[str, CodeOwner]:
    """The borrower behind each case of a figure (its cases are loan or borrower codes:
    core.metrics.figures), for the names and links beside the codes."""
    spec = FIGURES_BY_KEY.get(figure.split(".")[0])
    if spec is None or spec.cases is None or not codes:
        return {}
    unique = tuple(sorted(set(codes)))
    if spec.cases == "loan":
        return cached_code_owners(scope, unique, (), data_version())
    return cached_code_owners(scope, (), unique, data_version())
