"""Compares the rows an import wants with the stored ones: added, changed, unchanged."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass
class TableChanges:
    """What writing one table will do; frames are in the import files' vocabulary."""

    inserts: pd.DataFrame
    updates: pd.DataFrame  # with the stored row's `id`
    unchanged: int

    @property
    def added(self) -> int:
        """Rows the import adds."""
        return len(self.inserts)

    @property
    def changed(self) -> int:
        """Stored rows the import updates."""
        return len(self.updates)


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
