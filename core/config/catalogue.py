"""Words core writes itself (the PDFs, the daily digests), read from the app's catalogue:
one screen's file of config/i18n/<language>/, the keys under one prefix; and how any
catalogue text is filled in (`fill`, which the screens use too)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml


@cache
def catalogue_part(language: str, file_name: str, prefix: str, folder: Path) -> dict[str, str]:
    """The entries of `folder/<language>/<file_name>` whose key starts with `prefix`, by
    the rest of their key ("collection_sheet.pdf.title" → "title" for its PDF)."""
    with (folder / language / file_name).open(encoding="utf-8") as handle:
        part = yaml.safe_load(handle) or {}
    return {str(k)[len(prefix) :]: str(v) for k, v in part.items() if str(k).startswith(prefix)}


# {days|day|days}: the word after a count, singular when that count is 1. English needs it
# ("1 day late", not "1 days late"); Chinese has no plural and never uses it.
_PLURAL = re.compile(r"\{(\w+)\|([^{}|]*)\|([^{}|]*)\}")


def fill(template: str, /, **values: object) -> str:
    """A catalogue text with its {placeholders} filled (any name, "text" and "template"
    included: the template is positional only), each {name|one|other} first
    replaced by `one` when the value `name` is 1 (or "1", as a formatted number reads)
    and by `other` otherwise: "{days} {days|day|days} late" reads "1 day late"."""

    def form(match: re.Match[str]) -> str:
        count = values.get(match[1])
        return match[2] if str(count).strip() == "1" else match[3]

    if not values:
        return template
    return _PLURAL.sub(form, template).format(**values)
