"""What a write of a shared record (a 1:1, an action item, a review) can run into besides
a form problem: someone else's save since the writer started (EditConflict), or a record
outside the writer's reach (NotPermitted).

No lost work: a save names the revision it started from; when the stored row moved on,
nothing is written and the writer is shown the stored version next to their own text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class EditConflict(Exception):
    """A save refused because the record changed after the writer loaded it.

    `field` names what conflicted (say "coaching" or "action"), `current` holds the stored
    values now (texts, status...), `revision` the stored revision now (a save naming it
    goes through), and `changed_by` the username of the last writer, when known.
    """

    def __init__(
        self,
        field: str,
        current: Mapping[str, Any],
        revision: int,
        changed_by: str | None = None,
    ) -> None:
        super().__init__(f"{field} changed meanwhile (now revision {revision})")
        self.field = field
        self.current = dict(current)
        self.revision = revision
        self.changed_by = changed_by


class NotPermitted(PermissionError):
    """A read or write of a record outside the viewer's reach: an officer of another team,
    another officer's item, or a role that may not write it. The same answer whether the
    record exists or not, so a refusal never tells what exists elsewhere."""

    def __init__(self, what: str) -> None:
        super().__init__(f"not permitted: {what}")
        self.what = what
