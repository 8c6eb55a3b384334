"""What a write refused, field by field, so a form can say what to fix next to each field.

Core never formats messages for people: an error carries a code and values, and the
screen turns them into text in the reader's language (app/forms.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: `code` names the problem, `values` fill its message."""

    field: str
    code: str
    values: dict[str, str] = dataclasses.field(default_factory=dict)


class ValidationFailed(ValueError):
    """A write refused before anything was written; `errors` lists every problem found."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.code}" for e in errors))
        self.errors = errors

    def for_field(self, name: str) -> list[FieldError]:
        """The problems of one field, in the order found."""
        return [e for e in self.errors if e.field == name]
