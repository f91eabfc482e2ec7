"""Cooperative workers on one thread's Playwright: while one waits for the portal, the others run.

Playwright's sync API belongs to the thread that started it, and each Playwright is a Node driver
(~120 MB) that, with its own Chromium, costs ~450 MB. A bulk run wants one driver and one browser with a
context per worker. The sync API is itself built on greenlets: every call parks the calling greenlet until
Playwright's event loop (run by its dispatcher greenlet) settles the call, and resumes *that* greenlet. So
worker functions started as greenlets of the dispatcher interleave at every Playwright call, on one thread,
with no change to the page objects and scenarios they run.

This module is the one place that relies on that: it reaches Playwright's loop through ``_sync``, the
method every sync API object uses for its own calls. Blocking Python waits would stop every worker, so the
pool's pauses and locks come from here too (:meth:`Fibers.sleep`, :meth:`Fibers.lock`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, Protocol

import greenlet


class _SyncObject(Protocol):
    """Any object of Playwright's sync API (a Browser, a Page, ...)."""

    _loop: asyncio.AbstractEventLoop

    def _sync(self, awaitable: Awaitable[Any]) -> Any: ...


class CooperativeLock:
    """A lock that parks the waiting worker instead of the whole thread (``with lock: ...``)."""

    def __init__(self, fibers: Fibers) -> None:
        self._fibers = fibers
        self._lock = asyncio.Lock()

    def __enter__(self) -> CooperativeLock:
        self._fibers.wait(self._lock.acquire())
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._lock.release()


class Fibers:
    """Run functions as cooperative workers on the Playwright of ``anchor`` (any of its sync objects)."""

    def __init__(self, anchor: _SyncObject) -> None:
        self._anchor = anchor

    def wait(self, awaitable: Awaitable[Any]) -> Any:
        """Wait for ``awaitable`` on Playwright's loop; the other workers run meanwhile."""
        return self._anchor._sync(awaitable)

    def sleep(self, seconds: float) -> None:
        """Pause this worker only (a back-off, a rate limit), never the others."""
        if seconds > 0:
            self.wait(asyncio.sleep(seconds))

    def lock(self) -> CooperativeLock:
        """A lock for sections that span Playwright calls (one sign-in at a time)."""
        return CooperativeLock(self)

    def run(self, functions: Sequence[Callable[[], None]]) -> list[BaseException]:
        """Run every function as a worker and return when all have ended.

        Returns:
            What the workers raised (the caller decides; a worker that raised does not stop the others).
        """
        loop = self._anchor._loop
        all_done: asyncio.Future[None] = loop.create_future()
        raised: list[BaseException] = []
        running = len(functions)

        def body(function: Callable[[], None]) -> None:
            nonlocal running
            try:
                function()
            except BaseException as err:  # noqa: BLE001 - handed to the caller, on its own stack
                raised.append(err)
            finally:
                running -= 1
                if running == 0 and not all_done.done():
                    all_done.set_result(None)

        def start(function: Callable[[], None]) -> None:
            # A child of the dispatcher: each of its Playwright calls hands control back to the loop, and
            # when it ends, the loop carries on.
            greenlet.greenlet(lambda: body(function), parent=greenlet.getcurrent()).switch()

        if not functions:
            return raised
        for function in functions:
            loop.call_soon(start, function)
        self.wait(all_done)
        return raised
