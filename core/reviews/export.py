"""A review as Markdown and PDF, and the team scorecard as CSV and XLSX.

Everything here lays out data it is given (core/reviews/document.py, lists of cells): no
database, no Streamlit. User-written text never becomes markup: Markdown escapes it
(`md_escape`), the PDF draws it as plain text, spreadsheets get it inert.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.exports.files import Cell, Formats, table_csv, table_xlsx
from core.reviews.document import DocGoal, DocSection, ReviewDocument
from core.reviews.export_common import ExportError, clean_text, doc_label, paragraphs
from core.reviews.export_pdf import review_pdf

__all__ = [
    "ExportError",
    "md_escape",
    "review_markdown",
    "review_pdf",
    "team_scorecard_csv",
    "team_scorecard_xlsx",
]

# Characters with a meaning anywhere in a line (GitHub Markdown, HTML, tables, math).
_INLINE = re.compile(r"([\\`*_\[\]{}<>&|~$])")
# Line starts that would make a heading, list, quote, rule or setext underline.
_BLOCK_START = re.compile(r"^([#+=\-])")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def md_escape(text: str) -> str:
    """`text` as Markdown that shows exactly these characters: specials backslash-escaped
    (so `<script>` stays text and `|` cannot split a table cell), line starts that would
    make a heading or list escaped, leading blanks (an indented code block) dropped.
    Newlines are kept; callers decide what a line break means."""
    lines = []
    for line in clean_text(text).split("\n"):
        line = _INLINE.sub(r"\\\1", line.lstrip())
        line = _BLOCK_START.sub(r"\\\1", line)
        lines.append(_ORDERED_START.sub(r"\1\\\2", line))
    return "\n".join(lines)


def _cell(text: str) -> str:
    # A table cell is one line: newlines inside it would end the table.
    return md_escape(" ".join(clean_text(text).split()))


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |"]
    lines.append("|" + " --- |" * len(headers))
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _text_block(doc: ReviewDocument, text: str) -> list[str]:
    # Paragraphs stay paragraphs; a single line break inside one is a hard break.
    paras = paragraphs(text)
    if not paras:
        return [f"*{md_escape(doc_label(doc, 'nothing_written'))}*"]
    blocks = ["  \n".join(md_escape(line) for line in para) for para in paras]
    return "\n\n".join(blocks).split("\n")


def _colon(doc: ReviewDocument) -> str:
    return "：" if doc.language == "zh" else ": "


def _section(doc: ReviewDocument, section: DocSection) -> list[str]:
    out = [f"## {md_escape(' '.join(section.title.split()))}", ""]
    prompt = paragraphs(section.prompt)
    if prompt:
        quoted = "\n>\n".join("  \n".join(f"> {md_escape(x)}" for x in p) for p in prompt)
        out += [quoted, ""]
    if section.evidence:
        headers = [doc_label(doc, k) for k in ("figure", "value", "goal", "status")]
        rows = [(e.name, e.value, e.goal, e.status) for e in section.evidence]
        out += [f"### {md_escape(doc_label(doc, 'evidence'))}", "", *_table(headers, rows), ""]
    if section.findings:
        out += [f"### {md_escape(doc_label(doc, 'findings'))}", ""]
        out += [f"- {_cell(finding)}" for finding in section.findings]
        out.append("")
    out += [f"### {md_escape(doc_label(doc, 'written'))}", "", *_text_block(doc, section.body), ""]
    if section.comment.strip():
        out += [f"### {md_escape(doc_label(doc, 'comment'))}", ""]
        out += [*_text_block(doc, section.comment), ""]
    if section.rating.strip():
        out += [
            f"**{md_escape(doc_label(doc, 'rating'))}**{_colon(doc)}{_cell(section.rating)}",
            "",
        ]
    return out


def _plan(doc: ReviewDocument) -> list[str]:
    out = [f"## {md_escape(doc_label(doc, 'plan'))}", ""]
    goals = [goal for goal in doc.plan if goal.text.strip()]
    if goals:
        out += [f"{number}. {_cell(goal.text)}" for number, goal in enumerate(goals, start=1)]
    else:
        out.append(f"*{md_escape(doc_label(doc, 'nothing_written'))}*")
    return [*out, ""]


def _previous_plan(doc: ReviewDocument, goals: Sequence[DocGoal]) -> list[str]:
    headers = [doc_label(doc, "goal"), doc_label(doc, "outcome")]
    rows = [(goal.text, goal.outcome) for goal in goals]
    return [f"## {md_escape(doc_label(doc, 'previous_plan'))}", "", *_table(headers, rows), ""]


def _action_items(doc: ReviewDocument) -> list[str]:
    keys = ("action_items", "owner", "due", "status")
    rows = [(item.text, item.owner, item.due, item.status) for item in doc.action_items]
    title = f"## {md_escape(doc_label(doc, 'action_items'))}"
    return [title, "", *_table([doc_label(doc, k) for k in keys], rows), ""]


def review_markdown(doc: ReviewDocument) -> str:
    """The review as Markdown that reads well as plain text and renders on GitHub: title,
    who/when, each section (prompt as a quote, evidence table, findings, the officer's text,
    the leader's comment and rating), the improvement plan, last quarter's goals with their
    outcomes and the action items. Fixed words come from `doc.labels` (English fallback)."""
    who = " · ".join(md_escape(" ".join(x.split())) for x in (doc.team, doc.period) if x.strip())
    out = [f"# {_cell(doc.title)}", "", f"**{_cell(doc.officer)}**" + (f" · {who}" if who else "")]
    out.append("")
    colon = _colon(doc)
    facts = [(doc_label(doc, "status"), doc.status), *doc.dates]
    out += [f"- {_cell(label)}{colon}{_cell(value)}" for label, value in facts if value.strip()]
    out.append("")
    for section in doc.sections:
        out += _section(doc, section)
    out += _plan(doc)
    if doc.previous_plan:
        out += _previous_plan(doc, doc.previous_plan)
    if doc.action_items:
        out += _action_items(doc)
    return "\n".join(out).rstrip("\n") + "\n"


def _check_shape(rows: Sequence[Sequence[Cell]], headers: Sequence[str]) -> None:
    wrong = [n for n, row in enumerate(rows, start=1) if len(row) != len(headers)]
    if wrong:
        raise ValueError(f"rows {wrong} do not have {len(headers)} cells like the headers")


def team_scorecard_csv(
    rows: Sequence[Sequence[Cell]], headers: Sequence[str], formats: Formats = None
) -> bytes:
    """The team scorecard (officers x figures) as CSV for Excel: UTF-8 with BOM, headers as
    given (translated by the caller), text inert, dates ISO; numbers as `formats` says
    (core.rules.team.scorecard_formats: rates "98.2%", money "1234.50"), other
    Decimals exactly as given."""
    _check_shape(rows, headers)
    return table_csv(headers, rows, formats=formats)


def team_scorecard_xlsx(
    rows: Sequence[Sequence[Cell]],
    headers: Sequence[str],
    sheet_title: str,
    formats: Formats = None,
) -> bytes:
    """The team scorecard as an XLSX sheet named `sheet_title`: bold frozen header, sized
    columns, numbers as exact numbers shown as `formats` says (rates 0.0%, money
    #,##0.00), text inert."""
    _check_shape(rows, headers)
    return table_xlsx(headers, rows, sheet_title, formats=formats)
