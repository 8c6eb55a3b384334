"""What the importer reports: problems with file, line, column and value, and warnings.

Each carries a code and values (core/importer/messages.py), worded by the catalogues in
the language of whoever reads it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from core.importer.messages import Code, Notice, Value, Worded

MAX_VALUE_CHARS = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Problem(Worded):
    """One thing wrong with the input; line numbers count the header as line 1.

    `code` and `values` say what is wrong (`text(language)` words it, `message` in
    English); file, line, column and value say where.
    """

    file: str
    line: int
    column: str
    value: str
    code: Code
    values: Mapping[str, Value] = field(default_factory=dict)


@dataclass
class ProblemLog:
    """Collects problems and warnings while an import is checked."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    # Tables whose file could not be read at all (or lacks its code column): references
    # into them are not checked, since every code would look unknown.
    unusable: set[str] = field(default_factory=set)

    def add(
        self,
        file: str,
        line: int,
        column: str,
        value: object,
        code: Code,
        values: Mapping[str, Value] | None = None,
    ) -> None:
        """Records one problem."""
        self.problems.append(Problem(file, int(line), column, _show(value), code, values or {}))

    def add_rows(
        self,
        file: str,
        frame: pd.DataFrame,
        mask: pd.Series,
        column: str,
        code: Code,
        values: Mapping[str, Value] | None = None,
        value_column: str | None = None,
    ) -> None:
        """Records a problem (`code`, with the same `values`) for every row of `frame`
        where `mask` is true. The value shown is the raw cell of `value_column` (default:
        `column`).
        """
        if not mask.any():
            return
        rows = frame.loc[mask]
        source = value_column or column
        cells = rows[source] if source in rows.columns else pd.Series("", index=rows.index)
        shared = values or {}  # one mapping for all the rows: never changed once given
        for line, cell in zip(rows["_line"], cells, strict=True):
            self.add(file, line, column, cell, code, shared)

    def lines(self, file: str) -> set[int]:
        """The lines of `file` with at least one problem (1 is the header)."""
        return {p.line for p in self.problems if p.file == file}

    def warn(self, code: Code, **values: Value) -> None:
        """Records a warning: something ignored that did not stop the import."""
        self.warnings.append(Notice(code, values))

    def sorted(self) -> list[Problem]:
        """The problems in file, line, column order: the first one found for each cell.

        A cell refused while reading (a formula, say) is not reported again as empty.
        """
        first: dict[tuple[str, int, str], Problem] = {}
        for problem in self.problems:
            first.setdefault((problem.file, problem.line, problem.column), problem)
        return sorted(first.values(), key=lambda p: (p.file, p.line, p.column))


def _show(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value)
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 1] + "…"
    # A control character shown as itself would end a terminal's line or a report's cell,
    # or be a NUL that PostgreSQL refuses: shown as the replacement character instead.
    return _CONTROL.sub("\ufffd", text)


def format_cents(cents: int) -> str:
    """12345678 → '123,456.78': money in messages, exact and readable."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d}"
