"""Holds an import's typed rows between reading and planning, split into partitions.

A large import is planned and written one partition at a time, so that its memory is
that of one partition, not of the files. Rows go to the partition of their table's
partition code (PARTITION_COLUMNS): a borrower's rows and training days, a loan's
schedule and repayments, an officer's visits and time entries always share one, which
is what the rules over a whole loan or day need. With one partition (a small import)
the rows stay in memory; with more, each partition's rows are appended to a file in a
private temporary folder and read back when its turn comes.

What the rules across partitions need is gathered while the rows go by (FileCodes): the
staff file whole, every borrower and loan code the files hold, and the receipt numbers
(a receipt number is unique across loans).
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

# The column that places a table's rows in a partition (staff is never split).
PARTITION_COLUMNS = {
    "borrowers": "borrower_code",
    "training": "borrower_code",
    "loans": "loan_code",
    "installments": "loan_code",
    "repayments": "loan_code",
    "visits": "officer_code",
    "time_log": "officer_code",
}
# Tables planned and written together, parents' family before children's.
FAMILIES: tuple[tuple[str, ...], ...] = (
    ("staff",),
    ("borrowers", "training"),
    ("loans", "installments", "repayments"),
    ("visits", "time_log"),
)


@dataclass
class FileCodes:
    """What the files hold across every partition: the staff rows, every borrower and loan
    code (also of rows that failed a check: a loan whose principal is refused is still
    the loan its repayments name), and each receipt number with its line."""

    staff: pd.DataFrame | None = None
    borrowers: list[np.ndarray] = field(default_factory=list)
    loans: list[np.ndarray] = field(default_factory=list)
    # Receipt numbers as Arrow text (no Python string per row), their lines and hashes.
    receipts: list[tuple[pa.Array, np.ndarray, np.ndarray]] = field(default_factory=list)
    # Joined once, when the partitions start asking (the chunks are all in by then).
    _joined: dict[str, pa.Array] = field(default_factory=dict)

    def codes(self, table: str) -> pa.Array:
        """Every code of `table` ("borrowers" or "loans") in the file, as Arrow text (each
        partition checks its references against it)."""
        if table not in self._joined:
            parts = self.borrowers if table == "borrowers" else self.loans
            joined = np.concatenate(parts) if parts else np.array([], dtype=object)
            self._joined[table] = pa.array(joined, type=pa.string(), from_pandas=True)
        return self._joined[table]

    def has(self, table: str) -> bool:
        """True when the import has a file for `table` ("staff", "borrowers", "loans")."""
        if table == "staff":
            return self.staff is not None
        return bool(self.borrowers if table == "borrowers" else self.loans)

    def repeated_receipts(self) -> pd.DataFrame:
        """receipt_no and _line of the repayments whose receipt number another repayment
        of the file has too (in line order): the few rows the duplicate rule reports on.

        Found on each number's 64-bit hash, sorted, so that millions of receipt numbers
        never become Python strings or one large hash table at once; only the rows whose
        hash repeats are read back as text and compared exactly."""
        empty = pd.DataFrame({"receipt_no": pd.Series([], dtype=str), "_line": []})
        if not self.receipts:
            return empty
        hashes = np.concatenate([h for _, _, h in self.receipts])
        order = np.argsort(hashes, kind="stable")
        same = hashes[order[1:]] == hashes[order[:-1]]
        del hashes
        repeated = np.zeros(len(order), dtype=bool)
        repeated[1:] |= same
        repeated[:-1] |= same
        positions = np.sort(order[repeated])
        del order, repeated, same
        if not len(positions):
            return empty
        numbers = pa.chunked_array([n for n, _, _ in self.receipts], type=pa.large_string())
        lines = np.concatenate([line for _, line, _ in self.receipts])
        candidates = pd.DataFrame(
            {
                "receipt_no": pd.Series(numbers.take(pa.array(positions)).to_pylist(), dtype=str),
                "_line": lines[positions],
            }
        )
        # Equal hashes of different numbers are not duplicates.
        return candidates[candidates.duplicated("receipt_no", keep=False)].reset_index(drop=True)


class Spool:
    """An import's typed rows, by table and partition (see the module docstring)."""

    def __init__(self, partitions: int) -> None:
        self.partitions = max(1, partitions)
        self.codes = FileCodes()
        self._folder: Path | None = None
        self._memory: dict[tuple[str, int], list[pd.DataFrame]] = {}
        self._empty: dict[str, pd.DataFrame] = {}
        self._rows: dict[str, int] = {}

    @property
    def tables(self) -> list[str]:
        """The tables with typed rows (in the order they were first added)."""
        return list(self._empty)

    def rows(self, table: str) -> int:
        """How many typed rows `table` holds."""
        return self._rows.get(table, 0)

    def add(self, table: str, frame: pd.DataFrame) -> None:
        """Adds one chunk of `table`'s typed rows."""
        self._empty.setdefault(table, frame.iloc[:0])
        self._rows[table] = self._rows.get(table, 0) + len(frame)
        self._gather(table, frame)
        if table not in PARTITION_COLUMNS or self.partitions == 1:
            self._memory.setdefault((table, 0), []).append(frame)
            return
        codes = frame[PARTITION_COLUMNS[table]].to_numpy(dtype=object)
        parts = pd.util.hash_array(codes, categorize=True) % np.uint64(self.partitions)
        for part in np.unique(parts).tolist():
            with self._path(table, int(part)).open("ab") as file:
                pickle.dump(frame[parts == part], file, protocol=pickle.HIGHEST_PROTOCOL)

    def discard(self, table: str) -> None:
        """Forgets every row of `table` (its file is to be read again)."""
        self._empty.pop(table, None)
        self._rows.pop(table, None)
        for key in [k for k in self._memory if k[0] == table]:
            del self._memory[key]
        if self._folder:
            for path in self._folder.glob(f"{table}.*"):
                path.unlink()
        if table == "staff":
            self.codes.staff = None
        elif table in ("borrowers", "loans"):
            getattr(self.codes, table).clear()
            self.codes._joined.pop(table, None)
        elif table == "repayments":
            self.codes.receipts.clear()

    def frame(self, table: str, part: int) -> pd.DataFrame:
        """`table`'s rows in partition `part` (every row for an unsplit table)."""
        if table not in PARTITION_COLUMNS or self.partitions == 1:
            pieces = self._memory.get((table, 0), []) if part == 0 else []
        else:
            pieces = self._read(table, part)
        if not pieces:
            return self._empty[table].copy()
        if len(pieces) == 1:
            return pieces[0]
        return pd.concat(pieces, ignore_index=True)

    def parts(self, family: tuple[str, ...]) -> range:
        """The partitions a family of tables is planned in."""
        split = any(t in PARTITION_COLUMNS for t in family)
        return range(self.partitions if split else 1)

    def close(self) -> None:
        """Removes the temporary folder and lets go of the rows held in memory."""
        self._memory.clear()
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _gather(self, table: str, frame: pd.DataFrame) -> None:
        if table == "staff":
            staff = self.codes.staff
            self.codes.staff = frame if staff is None else pd.concat([staff, frame])
        elif table == "borrowers":
            self.codes.borrowers.append(frame["borrower_code"].to_numpy(dtype=object))
        elif table == "loans":
            self.codes.loans.append(frame["loan_code"].to_numpy(dtype=object))
        elif table == "repayments":
            given = (frame["receipt_no"] != "").to_numpy()
            numbers = pa.array(frame["receipt_no"], type=pa.large_string()).filter(given)
            hashes = pd.util.hash_array(frame["receipt_no"].to_numpy(dtype=object)[given])
            self.codes.receipts.append((numbers, frame["_line"].to_numpy()[given], hashes))

    def _path(self, table: str, part: int) -> Path:
        if self._folder is None:
            # mkdtemp makes the folder readable by this user only: the rows are the
            # cooperative's data, and only this process reads them back.
            self._folder = Path(tempfile.mkdtemp(prefix="fieldbook-import-"))
        return self._folder / f"{table}.{part}.pickle"

    def _read(self, table: str, part: int) -> list[pd.DataFrame]:
        if self._folder is None:
            return []
        path = self._path(table, part)
        if not path.exists():
            return []
        pieces = []
        with path.open("rb") as file:
            while True:
                try:
                    # Only this process wrote the file, in a folder only its user can open.
                    pieces.append(pickle.load(file))
                except EOFError:
                    return pieces
