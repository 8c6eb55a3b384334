"""Words core writes itself (the PDFs, the daily digests), read from the app's catalogue:
one screen's file of config/i18n/<language>/, the keys under one prefix."""

from __future__ import annotations

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
