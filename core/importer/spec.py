"""The import format as data: tables, columns, types and which are required.

This is the one place the importer, docs/import-format.md's test and the demo agree on.
Rules that involve more than one cell live in core/importer/row_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.auth.roles import ROLE_CODES
from core.db.models import APPRAISAL_GRADES, VISIT_OUTCOMES, VISIT_PURPOSES

# The most characters a code or text cell may hold, per column (docs/import-format.md
# lists them): no export needs more, and a cell of megabytes would be sent to every page
# that shows it.
CODE_LENGTH = 64  # codes are String(64) in the database
NAME_LENGTH = 100  # names of people, branches, teams, villages, products, businesses
NUMBER_LENGTH = 32  # phone and identity card numbers, with room for spaces and dashes
PURPOSE_LENGTH = 200  # a loan's purpose: a phrase
NOTES_LENGTH = 2000  # a visit's notes: a few paragraphs


@dataclass(frozen=True)
class ColumnSpec:
    """One column: its type and whether a value is required.

    kind is one of: code, text, date, money, rate, int, hours, enum. `required` may be
    "conditional" when another rule decides (team is required for officers only).
    A code or text cell holds at most `max_length` characters and no control character;
    only a `multiline` column (notes) may hold line breaks and tabs.
    """

    name: str
    kind: str
    required: bool | str = True
    choices: tuple[str, ...] = ()
    max_length: int = 0
    multiline: bool = False


@dataclass(frozen=True)
class TableSpec:
    """One file of the import format and how its rows are matched to stored ones.

    `key` is a code for most tables. For events (visits, time entries) it is the group
    whose rows an import replaces as a whole (core/importer/changes.group_changes).
    """

    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]

    @property
    def file_name(self) -> str:
        """The CSV file name (and, without .csv, the workbook's sheet name)."""
        return f"{self.name}.csv"

    def column(self, name: str) -> ColumnSpec:
        """The spec of one column by name."""
        return next(c for c in self.columns if c.name == name)


def _c(
    name: str,
    kind: str,
    required: bool | str = True,
    choices: tuple[str, ...] = (),
    length: int = NAME_LENGTH,
    multiline: bool = False,
) -> ColumnSpec:
    max_length = CODE_LENGTH if kind == "code" else length if kind == "text" else 0
    return ColumnSpec(name, kind, required, choices, max_length, multiline)


TABLE_SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        "staff",
        (
            _c("staff_code", "code"),
            _c("name", "text"),
            _c("role", "enum", choices=ROLE_CODES),
            _c("branch", "text"),
            _c("team", "text", "conditional"),
            _c("hired_on", "date", False),
        ),
        key=("staff_code",),
    ),
    TableSpec(
        "borrowers",
        (
            _c("borrower_code", "code"),
            _c("name", "text"),
            _c("officer_code", "code"),
            _c("village", "text"),
            _c("group_code", "code", False),
            _c("joined_on", "date"),
            _c("business_type", "text", False),
            _c("phone", "text", False, length=NUMBER_LENGTH),
            _c("id_number", "text", False, length=NUMBER_LENGTH),
        ),
        key=("borrower_code",),
    ),
    TableSpec(
        "training",
        (
            _c("borrower_code", "code"),
            _c("attended_on", "date"),
            _c("trainer_code", "code", False),
        ),
        key=("borrower_code", "attended_on"),
    ),
    TableSpec(
        "loans",
        (
            _c("loan_code", "code"),
            _c("borrower_code", "code"),
            _c("officer_code", "code"),
            _c("disbursed_on", "date"),
            _c("principal", "money"),
            _c("annual_rate", "rate", False),
            _c("term_months", "int", False),
            _c("cycle", "int", False),
            _c("appraisal_grade", "enum", False, APPRAISAL_GRADES),
            _c("product", "text", False),
            _c("purpose", "text", False, length=PURPOSE_LENGTH),
            _c("written_off_on", "date", False),
        ),
        key=("loan_code",),
    ),
    TableSpec(
        "installments",
        (
            _c("loan_code", "code"),
            _c("seq", "int"),
            _c("due_date", "date"),
            _c("principal_due", "money"),
            _c("interest_due", "money", False),
        ),
        key=("loan_code", "seq"),
    ),
    TableSpec(
        "repayments",
        (
            _c("loan_code", "code"),
            _c("paid_on", "date"),
            _c("principal_paid", "money"),
            _c("interest_paid", "money", False),
            _c("receipt_no", "code", False),
        ),
        # Rows with a receipt_no match on it; rows without one match on all columns.
        key=("receipt_no",),
    ),
    TableSpec(
        "visits",
        (
            _c("officer_code", "code"),
            _c("borrower_code", "code"),
            _c("visited_on", "date"),
            _c("purpose", "enum", choices=VISIT_PURPOSES),
            _c("outcome", "enum", False, VISIT_OUTCOMES),
            _c("notes", "text", False, length=NOTES_LENGTH, multiline=True),
        ),
        key=("officer_code", "borrower_code", "visited_on"),  # a group of events
    ),
    TableSpec(
        "time_log",
        (
            _c("officer_code", "code"),
            _c("work_date", "date"),
            _c("activity", "enum"),  # choices come from config/activities.yaml
            _c("hours", "hours"),
        ),
        key=("officer_code", "work_date"),  # a group of events: an officer's day
    ),
)

SPECS: dict[str, TableSpec] = {spec.name: spec for spec in TABLE_SPECS}
TABLES: tuple[str, ...] = tuple(SPECS)
