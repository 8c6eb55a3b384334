"""Compares the rows an import wants with the stored ones: added, changed, replaced and
unchanged.

Rows with a code (staff, borrowers, loans, installments, receipts, training days) are
matched on it and updated in place. Events (visits, time entries, repayments without a
receipt) are matched per group: the file's rows of a group replace the stored imported
rows of that group, compared as multisets, so equal rows stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


def _no_ids() -> pd.Series:
    return pd.Series([], dtype="int64")


@dataclass
class TableChanges:
    """What writing one table will do; frames are in the import files' vocabulary."""

    inserts: pd.DataFrame
    updates: pd.DataFrame  # with the stored row's `id`
    unchanged: int
    deletes: pd.Series = field(default_factory=_no_ids)  # ids of stored rows replaced

    @property
    def added(self) -> int:
        """Rows the import adds."""
        return len(self.inserts)

    @property
    def changed(self) -> int:
        """Stored rows the import updates."""
        return len(self.updates)

    @property
    def replaced(self) -> int:
        """Stored rows the import removes because their group came with other rows."""
        return len(self.deletes)


def compute_changes(
    desired: pd.DataFrame, existing: pd.DataFrame, key: list[str], values: list[str]
) -> TableChanges:
    """Matches `desired` to `existing` on `key` and splits it into inserts and updates."""
    columns = [*key, *values]
    stored = existing[["id", *columns]].rename(columns={v: f"{v}__old" for v in values})
    merged = desired[columns].merge(stored, on=key, how="left", validate="one_to_one")
    matched = merged["id"].notna()
    differs = pd.Series(False, index=merged.index)
    for column in values:
        differs |= ~_same(merged[column], merged[f"{column}__old"])
    # Stored rows of the same loans ride along in `desired` (to recheck sums and derive
    # columns); only rows that came from the file count as "unchanged".
    from_file = desired["_from_file"].to_numpy() if "_from_file" in desired.columns else True
    update_mask = matched & differs
    updates = merged.loc[update_mask, ["id", *columns]].reset_index(drop=True)
    return TableChanges(
        inserts=merged.loc[~matched, columns].reset_index(drop=True),
        updates=updates,
        unchanged=int((matched & ~differs & from_file).sum()),
    )


def _same(new: pd.Series, old: pd.Series) -> pd.Series:
    both_missing = new.isna() & old.isna()
    equal = (new == old).fillna(False).astype(bool)
    return equal | both_missing


def with_occurrence(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Adds `_occurrence`: the n-th row with the same key (for rows without a code).

    Two identical repayments without a receipt number are two payments; numbering them
    lets a re-import match each to one stored row instead of adding copies.
    """
    numbered = frame.copy()
    numbered["_occurrence"] = numbered.groupby(key, dropna=False).cumcount()
    return numbered


def group_changes(
    desired: pd.DataFrame, existing: pd.DataFrame, group: list[str], values: list[str]
) -> TableChanges:
    """Replaces, group by group, the stored rows `existing` with the file's `desired`.

    Only groups the file names are touched. Within a group the rows are compared as
    multisets over `group + values`: a file row with an equal stored row is unchanged
    (no write), a stored row without an equal file row is deleted, a file row without an
    equal stored row is inserted. `existing` must hold only rows an import may replace.
    """
    columns = [*group, *values]
    n_file = len(desired)
    cells = []
    for column in columns:
        stored = existing[column]
        if stored.dtype != desired[column].dtype:  # equal values must get equal codes
            stored = stored.astype(desired[column].dtype)
        cells.append(pd.concat([desired[column], stored], ignore_index=True))
    # Every row of both as one integer: equal integers exactly when the rows are equal.
    group_ids = _row_ids(cells[: len(group)], np.zeros(n_file + len(existing), dtype=np.int64))
    in_file = np.isin(group_ids[n_file:], group_ids[:n_file])
    row_ids = _row_ids(cells[len(group) :], group_ids)
    file_ids, stored_ids = row_ids[:n_file], row_ids[n_file:][in_file]
    # The n-th copy of a row in the file pairs with the n-th stored copy.
    file_nth, stored_nth = _nth(file_ids), _nth(stored_ids)
    width = int(max(file_nth.max(initial=0), stored_nth.max(initial=0))) + 1
    found = pd.Index(stored_ids * width + stored_nth).get_indexer(file_ids * width + file_nth)
    kept_file = found >= 0
    kept_stored = np.zeros(len(stored_ids), dtype=bool)
    kept_stored[found[kept_file]] = True
    replaceable_ids = existing["id"].to_numpy()[in_file]
    return TableChanges(
        inserts=desired.loc[~kept_file, columns].reset_index(drop=True),
        updates=pd.DataFrame(columns=["id", *columns]),
        unchanged=int(kept_file.sum()),
        deletes=pd.Series(replaceable_ids[~kept_stored], dtype="int64"),
    )


_ID_LIMIT = 2**62


def _row_ids(columns: list[pd.Series], start: np.ndarray) -> np.ndarray:
    """Extends the integer row ids `start` by each column's values (missing ones equal to
    each other): ids * distinct values + the value's code, renumbered densely only when
    the next product could overflow. The result is dense (below the row count)."""
    ids = start
    bound = int(ids.max(initial=0)) + 1
    for column in columns:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        distinct = len(uniques) + 1
        if bound * distinct >= _ID_LIMIT:
            ids = _dense(ids)
            bound = int(ids.max(initial=0)) + 1
        ids = ids * distinct + codes
        bound *= distinct
    return _dense(ids)


def _dense(ids: np.ndarray) -> np.ndarray:
    codes, _ = pd.factorize(ids)
    return np.asarray(codes, dtype=np.int64)


def _nth(ids: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions hold the same id (0, 1, 2, ...)."""
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    positions = np.arange(len(ids))
    starts = np.ones(len(ids), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    run_start = np.maximum.accumulate(np.where(starts, positions, 0))
    nth = np.empty(len(ids), dtype=np.int64)
    nth[order] = positions - run_start
    return nth
