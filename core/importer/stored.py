"""Lazy, cached access to the stored rows an import is checked and compared against."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection

from core.importer.existing import load_code_ids, load_existing


class StoredState:
    """What the database holds of the rows an import (or one partition of it) meets."""

    def __init__(self, conn: Connection, scoped: bool = False) -> None:
        # scoped: only the rows of the codes in the import's scope table (one partition).
        self._conn = conn
        self._scoped = scoped
        self._frames: dict[str, pd.DataFrame] = {}
        self._codes: dict[str, dict[str, int]] = {}

    def frame(self, table: str) -> pd.DataFrame:
        """Every stored row of an import table (see core.importer.existing)."""
        if table not in self._frames:
            self._frames[table] = load_existing(self._conn, table, self._scoped)
        return self._frames[table]

    def codes(self, table: str, code_column: str) -> dict[str, int]:
        """Stored code → id of a table with a code column."""
        if table not in self._codes:
            if table in self._frames:
                stored = self._frames[table]
                self._codes[table] = dict(zip(stored[code_column], stored["id"], strict=True))
            else:
                self._codes[table] = load_code_ids(self._conn, table, code_column, self._scoped)
        return self._codes[table]

    def forget(self, table: str) -> None:
        """Lets go of a table's stored rows (its codes stay): the import is done with them."""
        self._frames.pop(table, None)
