"""What each person's daily digest says, in their language, from the same core queries
the home pages use:

- an officer: the day's plan (how many borrowers, counted by reason, the first ones by
  village) and the loans the early warning calls slipping;
- a team leader: their officers' breached goals of the quarter so far, and the quarterly
  reviews waiting for them;
- a trainer: their branch's open training batches and who is ready for a first loan;
- an admin: the last import (and how many days ago), imports refused since yesterday and
  digests that could not be delivered.

A digest holds names and codes of the person's own scope, never a phone or ID number, and
links back to the app. Its words come from config/i18n/<language>/digest.yaml.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection

from core.auth.scope import Scope
from core.config.catalogue import catalogue_part, fill
from core.db.sqltext import run
from core.field.plan import build_plan
from core.localtime import local_midnight, to_local
from core.metrics.kept import officer_scorecards
from core.metrics.period import Period
from core.paths import CONFIG_DIR
from core.reviews.cycle import current_cycle, previous_label
from core.reviews.records import list_review_statuses
from core.rules.findings import judge_officers
from core.rules.schema import RuleSet
from core.training.batch_reach import keeper_for
from core.training.batches import count_batches, ready_for_first_loan
from core.warning.score import scored_for, slipping_by_borrower

CATALOGUE_FILE = "digest.yaml"
PREFIX = "digest."
# Items of the plan and lines of a list shown before "and N more".
FIRST_ITEMS = 8
# An import older than this many days is called out on the admin's digest.
STALE_IMPORT_DAYS = 2
_MARKDOWN_SIGNS = str.maketrans({c: f"\\{c}" for c in "\\`*_[]#<>|~"})


@dataclass(frozen=True)
class Section:
    """A heading and its lines (plain text: escaped when sent as Markdown)."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Digest:
    """One person's message of the day."""

    title: str
    sections: tuple[Section, ...]
    link: str
    footer: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def text(self) -> str:
        """The e-mail's plain text."""
        parts = [self.title, ""]
        for section in self.sections:
            parts += [section.heading, *(f"- {line}" for line in section.lines), ""]
        parts += [self.link, self.footer]
        return "\n".join(parts).strip() + "\n"

    def markdown(self) -> str:
        """A robot's Markdown: data escaped, so no name becomes a link or a heading."""
        parts = [f"### {_md(self.title)}"]
        for section in self.sections:
            parts.append(f"**{_md(section.heading)}**")
            parts += [f"- {_md(line)}" for line in section.lines]
        parts.append(f"[{_md(self.link)}]({self.link})")
        if self.footer:
            parts.append(_md(self.footer))
        return "\n".join(parts)


def _md(text: str) -> str:
    return text.translate(_MARKDOWN_SIGNS)


def _catalogue(language: str, folder: Path) -> dict[str, str]:
    return catalogue_part(language, CATALOGUE_FILE, PREFIX, folder)


def words(language: str, folder: Path = CONFIG_DIR / "i18n") -> dict[str, str]:
    """The digest's words in `language` (English for anything missing)."""
    return {**_catalogue("en", folder), **_catalogue(language, folder)}


def catalogue_keys(folder: Path = CONFIG_DIR / "i18n") -> set[str]:
    """Every catalogue key the digests read (the catalogue test counts them as used)."""
    return {PREFIX + key for key in _catalogue("en", folder)}


def day_text(day: dt.date, language: str) -> str:
    """2026-12-04 as "4 Dec 2026" or "2026年12月4日"."""
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day.strftime('%b')} {day.year}"


def _more(lines: list[str], w: dict[str, str]) -> tuple[str, ...]:
    if len(lines) <= FIRST_ITEMS:
        return tuple(lines)
    return (*lines[:FIRST_ITEMS], fill(w["more"], count=len(lines) - FIRST_ITEMS))


def officer_sections(
    conn: Connection, staff_code: str, day: dt.date, rules: RuleSet, w: dict[str, str]
) -> tuple[Section, ...]:
    """The officer's plan of the day and their slipping loans."""
    scope = Scope("officer", staff_code=staff_code)
    warning = rules.warning
    slipping = slipping_by_borrower(
        scored_for(conn, scope, day, warning.horizon_days), warning.threshold
    )
    plan = build_plan(conn, scope, staff_code, day, rules.params, slipping=slipping)
    if not plan.items:
        return (Section(w["plan"], (w["plan_empty"],)),)
    reasons = Counter(reason for item in plan.items for reason in item.reasons)
    counts = " · ".join(
        fill(w["reason_count"], count=n, reason=w[f"reason.{reason}"])
        for reason, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0]))
    )
    lines = [
        fill(
            w["plan_item"],
            village=item.village,
            name=item.name,
            code=item.borrower_code,
            reason=w[f"reason.{item.reasons[0]}"],
        )
        for item in plan.items
    ]
    sections = [Section(fill(w["plan_count"], count=len(plan.items)), (counts, *_more(lines, w)))]
    loans = [loan for item in plan.items for loan in item.slipping]
    if loans:
        sections.append(
            Section(
                fill(w["slipping"], count=len(loans)),
                _more(
                    [
                        fill(w["slipping_line"], loan=loan.loan_code, chance=f"{loan.score:.0%}")
                        for loan in loans
                    ],
                    w,
                ),
            )
        )
    return tuple(sections)


def leader_sections(
    conn: Connection,
    scope: Scope,
    day: dt.date,
    rules: RuleSet,
    due_days: int,
    language: str,
    w: dict[str, str],
) -> tuple[Section, ...]:
    """The team's breached goals this quarter so far, and the reviews waiting."""
    start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    period = Period(start, day, day)
    cards = officer_scorecards(conn, scope, period, rules.params)
    findings = judge_officers(rules, cards)
    names = {card.staff_code: card.name for card in cards}
    severity = {"high": 0, "medium": 1, "low": 2}
    breached = sorted(
        (f for found in findings.values() for f in found if f.status == "breached"),
        key=lambda f: (severity.get(f.severity, 3), f.subject, f.rule_id),
    )
    lines = [
        fill(
            w["finding"],
            name=names.get(f.subject, f.subject),
            code=f.subject,
            message=f.message_zh if language == "zh" else f.message_en,
        )
        for f in breached
    ]
    sections = [
        Section(
            fill(w["breaches"], count=len(breached)),
            _more(lines, w) if lines else (w["no_breaches"],),
        )
    ]
    label = current_cycle(day, due_days).period
    waiting = [
        fill(w["review_line"], name=row.officer_name, period=period_label)
        for period_label in (label, previous_label(label))
        for row in list_review_statuses(conn, scope, period_label)
        if row.status == "submitted"
    ]
    if waiting:
        sections.append(Section(fill(w["reviews"], count=len(waiting)), _more(waiting, w)))
    return tuple(sections)


def trainer_sections(
    conn: Connection, scope: Scope, day: dt.date, min_days: int, w: dict[str, str]
) -> tuple[Section, ...]:
    """The branch's open batches, and the members ready for a first loan or not yet."""
    keeper = keeper_for(conn, scope, "")
    batches = count_batches(conn, keeper, open_only=True)
    waiting = ready_for_first_loan(conn, keeper, day, min_days)
    ready = sum(r.ready for r in waiting)
    return (
        Section(
            w["training"],
            (
                fill(w["open_batches"], count=batches),
                fill(w["ready_line"], ready=ready, waiting=len(waiting), days=min_days),
            ),
        ),
    )


def admin_sections(
    conn: Connection, day: dt.date, language: str, w: dict[str, str]
) -> tuple[Section, ...]:
    """The last import and its age, imports refused since yesterday, failed digests."""
    last = run(
        conn,
        "SELECT MAX(finished_at) AS at FROM import_runs WHERE status = 'imported'",
        {},
    )[0].at
    lines: list[str] = []
    if last is None:
        lines.append(w["never_imported"])
    else:
        stamp = last if isinstance(last, dt.datetime) else dt.datetime.fromisoformat(str(last))
        last_day = to_local(stamp).date()
        age = (day - last_day).days
        key = "stale_import" if age >= STALE_IMPORT_DAYS else "last_import"
        lines.append(fill(w[key], date=day_text(last_day, language), days=age))
    since = day - dt.timedelta(days=1)
    refused = run(
        conn,
        "SELECT COUNT(*) AS n FROM import_runs WHERE status = 'refused' AND started_at >= :since",
        {"since": local_midnight(since)},
    )[0].n
    if refused:
        lines.append(fill(w["refused_imports"], count=int(refused)))
    failed = run(
        conn,
        "SELECT COUNT(*) AS n FROM digest_deliveries WHERE state = 'failed' AND day >= :since",
        {"since": since},
    )[0].n
    if failed:
        lines.append(fill(w["failed_digests"], count=int(failed)))
    return (Section(w["imports"], tuple(lines)),)
