"""Progress bars on the terminal (stderr) for long imports; silent when not a terminal."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Never

from tqdm import tqdm

# Stages with fewer rows than this finish too fast for a bar to help.
MIN_ROWS_FOR_BAR = 20_000


class TerminalProgress:
    """A `progress(stage, done, total)` callback drawing one tqdm bar per stage."""

    def __init__(self) -> None:
        self._bar: tqdm[Never] | None = None
        self._stage = ""
        self._enabled = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self._enabled:
            return
        if stage != self._stage:
            self._close()
            self._stage = stage
            if total >= MIN_ROWS_FOR_BAR or total == 0:
                self._bar = tqdm(
                    total=total or None,
                    desc=stage,
                    unit=" rows",
                    file=sys.stderr,
                    leave=False,
                    dynamic_ncols=True,
                )
        if self._bar is not None:
            self._bar.update(done - self._bar.n)

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()
