"""Events are matched per group as multisets: equal rows pair off one to one, stored rows
left over are replaced, file rows left over are added; other groups are not touched."""

from __future__ import annotations

import pandas as pd

from core.importer.changes import group_changes

GROUP = ["officer_code", "work_date"]
VALUES = ["activity", "hours"]


def _file(*rows: tuple[str, str, str, int | None]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[*GROUP, *VALUES])
    return frame.astype({"hours": "Int64"})


def _stored(*rows: tuple[int, str, str, str, int | None]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["id", *GROUP, *VALUES])
    return frame.astype({"id": "Int64", "hours": "Int64"})


def test_repeats_pair_off_one_to_one_within_a_group() -> None:
    stored = _stored(
        (1, "OF1", "2025-04-07", "collection", 300),
        (2, "OF1", "2025-04-07", "collection", 300),
        (3, "OF1", "2025-04-07", "collection", 300),
        (4, "OF1", "2025-04-07", "office", 200),
        (5, "OF1", "2025-04-08", "travel", 100),  # another day: the file does not name it
        (6, "OF2", "2025-04-07", "office", 200),  # another officer's day
    )
    desired = _file(
        ("OF1", "2025-04-07", "collection", 300),
        ("OF1", "2025-04-07", "collection", 300),
        ("OF1", "2025-04-07", "office", 250),
        ("OF1", "2025-04-07", "office", 250),
    )
    changes = group_changes(desired, stored, GROUP, VALUES)
    assert changes.unchanged == 2  # two of the three equal collections
    assert sorted(changes.deletes.tolist()) == [3, 4]  # the third collection, the old office
    assert changes.inserts.values.tolist() == [
        ["OF1", "2025-04-07", "office", 250],
        ["OF1", "2025-04-07", "office", 250],
    ]
    assert (changes.added, changes.changed, changes.replaced) == (2, 0, 2)


def test_missing_values_are_equal_to_each_other_and_nothing_else() -> None:
    stored = _stored(
        (1, "L1", "2025-04-05", "500.00", None),
        (2, "L1", "2025-04-05", "500.00", 0),
    )
    desired = _file(("L1", "2025-04-05", "500.00", None), ("L1", "2025-04-05", "500.00", None))
    changes = group_changes(desired, stored, GROUP, VALUES)
    assert changes.unchanged == 1
    assert changes.deletes.tolist() == [2]
    assert changes.added == 1


def test_nothing_stored_adds_every_row_and_an_empty_file_touches_nothing() -> None:
    desired = _file(("OF1", "2025-04-07", "collection", 300))
    assert group_changes(desired, _stored(), GROUP, VALUES).added == 1
    stored = _stored((1, "OF1", "2025-04-07", "collection", 300))
    changes = group_changes(_file(), stored, GROUP, VALUES)
    assert (changes.added, changes.replaced, changes.unchanged) == (0, 0, 0)
