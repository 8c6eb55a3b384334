"""Running a coroutine from a test, whatever else runs in the test process.

The browser tests' Playwright (its sync API) keeps an event loop running in the main
thread for the rest of the session, so a later `asyncio.run` there fails with "cannot be
called from a running event loop". A fresh thread has no loop: the coroutine runs there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(coroutine)` in a thread of its own; returns its result."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
