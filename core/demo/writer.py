"""Streams rows into the eight import-format CSV files and counts them.

Files are written under temporary names and renamed only when the whole demo is done,
so a failed run never leaves a half-written set that an import would accept.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from core.importer.spec import TABLE_SPECS

# The importer's spec is the one list of files and columns; the demo writes exactly it.
FILE_COLUMNS: dict[str, tuple[str, ...]] = {
    spec.file_name: tuple(c.name for c in spec.columns) for spec in TABLE_SPECS
}

_BUFFER_BYTES = 1 << 20


def money_text(cents: int) -> str:
    """Integer cents as yuan with two decimals (500000 -> 5000.00); never negative here."""
    return f"{cents // 100}.{cents % 100:02d}"


def hours_text(half_hours: int) -> str:
    """A number of half hours as hours with one decimal (3 -> 1.5)."""
    return f"{half_hours // 2}.{5 if half_hours % 2 else 0}"


class CsvSink:
    """The eight output files, open for the duration of a `with` block."""

    def __init__(self, out_dir: Path) -> None:
        self._out_dir = out_dir
        self._files: dict[str, IO[str]] = {}
        self._writers: dict[str, Any] = {}  # csv writers have no public type
        self.counts: dict[str, int] = dict.fromkeys(FILE_COLUMNS, 0)

    def _partial_path(self, file_name: str) -> Path:
        return self._out_dir / f".{file_name}.partial"

    def __enter__(self) -> CsvSink:
        self._out_dir.mkdir(parents=True, exist_ok=True)
        try:
            for file_name, columns in FILE_COLUMNS.items():
                handle = open(
                    self._partial_path(file_name),
                    "w",
                    encoding="utf-8",
                    newline="",
                    buffering=_BUFFER_BYTES,
                )
                self._files[file_name] = handle
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(columns)
                self._writers[file_name] = writer
        except BaseException:
            self._close(keep=False)
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._close(keep=exc_type is None)

    def _close(self, keep: bool) -> None:
        for handle in self._files.values():
            handle.close()
        for file_name in self._files:
            partial = self._partial_path(file_name)
            if keep:
                os.replace(partial, self._out_dir / file_name)
            else:
                partial.unlink(missing_ok=True)
        self._files.clear()
        self._writers.clear()

    def write(self, file_name: str, rows: Sequence[Sequence[str]]) -> None:
        """Appends data rows to one file."""
        self._writers[file_name].writerows(rows)
        self.counts[file_name] += len(rows)
