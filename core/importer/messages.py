"""The importer's messages as codes and values, worded by the language catalogues.

Core does not write sentences for people (as in core/validation.py): a problem, a warning
or a refusal carries a `Code` and plain values (column and file names, cell values, line
numbers, counts, dates, amounts already written as text). The sentences, English and
Chinese side by side, are config/i18n/<language>/import_messages.yaml under
`import_messages.<code>`; `wording` fills one in for a language. The command line asks
for English, the Import page for the reader's language.

Two kinds of value are worded too: a list (line numbers, key columns) is joined as the
language joins one ("2, 3 and 5" / "2、3、5"), and a value of a placeholder in `TERMS` is
a code the catalogue names (`import_messages.role.trainer`: "trainer" / "培训员").
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml

from core.paths import CONFIG_DIR

Value = str | int | Sequence[str] | Sequence[int]
PREFIX = "import_messages."
CATALOGUE_FILE = "import_messages.yaml"
# Placeholders whose values are codes the catalogue names, and the codes they can hold.
TERMS: dict[str, tuple[str, ...]] = {"role": ("team_leader", "trainer", "admin", "unknown")}
# How a list value is joined: between the items but the last, and before the last.
LIST_KEYS = (f"{PREFIX}list.comma", f"{PREFIX}list.and")


class Code(StrEnum):
    """Every problem, warning and refusal the importer can report."""

    # parsing.py: headers and cell types
    MISSING_COLUMN = "missing_column"
    REQUIRED_EMPTY = "required_empty"
    TOO_LONG = "too_long"
    CONTROL_CHARACTER = "control_character"
    LINE_BREAK = "line_break"
    NOT_A_CHOICE = "not_a_choice"
    NOT_A_DATE = "not_a_date"
    YEAR_OUT_OF_RANGE = "year_out_of_range"
    NOT_A_CALENDAR_DATE = "not_a_calendar_date"
    NOT_MONEY = "not_money"
    NOT_HOURS = "not_hours"
    NEGATIVE = "negative"
    TOO_MANY_DECIMALS = "too_many_decimals"
    TOO_LARGE = "too_large"
    HOURS_OUT_OF_RANGE = "hours_out_of_range"
    NOT_WHOLE = "not_whole"
    NOT_A_RATE = "not_a_rate"
    RATE_OUT_OF_RANGE = "rate_out_of_range"
    # row_rules.py: rules within a row and a file
    TEAM_REQUIRED = "team_required"
    NOT_POSITIVE = "not_positive"
    BELOW_ONE = "below_one"
    BEFORE_DISBURSED = "before_disbursed"
    DUPLICATE = "duplicate"
    # references.py: codes across files
    UNKNOWN_CODE = "unknown_code"
    NOT_AN_OFFICER = "not_an_officer"
    # schedules.py: whole loans and days
    BEFORE_DISBURSED_ON = "before_disbursed_on"
    AFTER_STORED_INSTALLMENT = "after_stored_installment"
    INSTALLMENTS_SUM = "installments_sum"
    AFTER_STORED_REPAYMENT = "after_stored_repayment"
    REPAYMENTS_SUM = "repayments_sum"
    DAY_OVER_24_LINE = "day_over_24_line"
    DAY_OVER_24_LINES = "day_over_24_lines"
    DAY_OVER_24_LINE_APP = "day_over_24_line_app"
    DAY_OVER_24_LINES_APP = "day_over_24_lines_app"
    # sources.py: files, encodings, CSV shape, workbooks
    SECOND_FILE = "second_file"
    NOT_UTF8_OR_GB18030 = "not_utf8_or_gb18030"
    MIXED_ENCODINGS = "mixed_encodings"
    EMPTY_FILE = "empty_file"
    FIELD_COUNT = "field_count"
    NOT_CSV = "not_csv"
    COLUMN_TWICE = "column_twice"
    EMPTY_SHEET = "empty_sheet"
    FORMULA = "formula"
    # Warnings: something ignored that did not stop the import.
    UNKNOWN_COLUMN = "unknown_column"
    REPEATED_ROWS = "repeated_rows"
    NOT_AN_IMPORT_FILE = "not_an_import_file"
    NOT_AN_IMPORT_SHEET = "not_an_import_sheet"
    # Refusals (UnreadableInput): the input as a whole cannot be read.
    NO_SUCH_PATH = "no_such_path"
    NOT_AN_INPUT = "not_an_input"
    NO_IMPORT_FILES = "no_import_files"
    NOT_A_WORKBOOK = "not_a_workbook"
    NO_IMPORT_SHEETS = "no_import_sheets"
    WORKBOOK_TOO_LARGE = "workbook_too_large"
    WORKBOOK_PACKED_TOO_TIGHT = "workbook_packed_too_tight"
    WORKBOOK_TOO_MANY_CELLS = "workbook_too_many_cells"
    SHEET_PAST_LAST_ROW = "sheet_past_last_row"


class Worded:
    """What a message with a `code` and `values` says, in a language."""

    code: Code
    values: Mapping[str, Value]

    def text(self, language: str = "en") -> str:
        """The message in `language` ("en" or "zh")."""
        return wording(self.code, self.values, language)

    @property
    def message(self) -> str:
        """The English text: what the command line and its --report file show."""
        return self.text("en")


@dataclass(frozen=True)
class Notice(Worded):
    """A warning or a refusal: a code and the values its text names."""

    code: Code
    values: Mapping[str, Value] = field(default_factory=dict)


def wording(code: Code, values: Mapping[str, Value], language: str = "en") -> str:
    """The text of `code` in `language` with `values` filled in."""
    texts = catalogue(language)
    shown = {name: _shown(texts, name, value) for name, value in values.items()}
    return texts[PREFIX + code].format(**shown)


def _shown(texts: Mapping[str, str], name: str, value: Value) -> str:
    if isinstance(value, str):
        return texts.get(f"{PREFIX}{name}.{value}", value) if name in TERMS else value
    if isinstance(value, int):
        return str(value)
    items = [str(item) for item in value]
    comma, and_ = (texts[key] for key in LIST_KEYS)
    return comma.join(items[:-1]) + and_ + items[-1] if len(items) > 1 else "".join(items)


@cache
def catalogue(language: str, folder: Path = CONFIG_DIR / "i18n") -> dict[str, str]:
    """The importer's texts in one language: `import_messages.*` of its catalogue file.

    The app reads the same file into its catalogue (app/i18n.py), so a key there is
    defined once for both; cached per process.
    """
    with (folder / language / CATALOGUE_FILE).open(encoding="utf-8") as handle:
        part = yaml.safe_load(handle) or {}
    return {str(key): str(text) for key, text in part.items()}


def catalogue_keys() -> set[str]:
    """Every key of the catalogue the importer uses: one per code, term and list joiner."""
    keys = {PREFIX + code for code in Code} | set(LIST_KEYS)
    keys |= {f"{PREFIX}{name}.{value}" for name, values in TERMS.items() for value in values}
    return keys


def placeholders(template: str) -> set[str]:
    """The {names} a catalogue text fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
