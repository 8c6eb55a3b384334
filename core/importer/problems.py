"""What the importer reports: problems with file, line, column and value, and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

MAX_VALUE_CHARS = 40


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input; line numbers count the header as line 1."""

    file: str
    line: int
    column: str
    value: str
    message: str


@dataclass
class ProblemLog:
    """Collects problems and warnings while an import is checked."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Tables whose file could not be read at all (or lacks its code column): references
    # into them are not checked, since every code would look unknown.
    unusable: set[str] = field(default_factory=set)

    def add(self, file: str, line: int, column: str, value: object, message: str) -> None:
        """Records one problem."""
        self.problems.append(Problem(file, int(line), column, _show(value), message))

    def add_rows(
        self,
        file: str,
        frame: pd.DataFrame,
        mask: pd.Series,
        column: str,
        message: str | pd.Series,
        value_column: str | None = None,
    ) -> None:
        """Records a problem for every row of `frame` where `mask` is true.

        `message` is either one text for all rows or a Series aligned with `frame`.
        The value shown is the raw cell of `value_column` (default: `column`).
        """
        if not mask.any():
            return
        rows = frame.loc[mask]
        source = value_column or column
        values = rows[source] if source in rows.columns else pd.Series("", index=rows.index)
        messages = message.loc[mask] if isinstance(message, pd.Series) else [message] * len(rows)
        for line, value, text in zip(rows["_line"], values, messages, strict=True):
            self.add(file, line, column, value, str(text))

    def lines(self, file: str) -> set[int]:
        """The lines of `file` with at least one problem (1 is the header)."""
        return {p.line for p in self.problems if p.file == file}

    def warn(self, message: str) -> None:
        """Records a warning: something ignored that did not stop the import."""
        self.warnings.append(message)

    def sorted(self) -> list[Problem]:
        """The problems in file, line, column order: the first one found for each cell.

        A cell refused while reading (a formula, say) is not reported again as empty.
        """
        first: dict[tuple[str, int, str], Problem] = {}
        for problem in self.problems:
            first.setdefault((problem.file, problem.line, problem.column), problem)
        return sorted(first.values())


def _show(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def format_cents(cents: int) -> str:
    """12345678 → '123,456.78': money in messages, exact and readable."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d}"
