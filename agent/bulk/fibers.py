"""Cooperative workers on one thread's Playwright: while one waits for the portal, the others run.

Playwright's sync API belongs to the thread that started it, and each Playwright is a Node driver
(~120 MB) that, with its own Chromium, costs ~450 MB. A bulk run wants one driver and one browser with a
context per worker. The sync API is itself built on greenlets: every call parks the calling greenlet until
Playwright's event loop (run by its dispatcher greenlet) settles the call, and resumes *that* greenlet. So
worker functions started as greenlets of the dispatcher interleave at every Playwright call, on one thread,
with no change to the page objects and scenarios they run.

This module is the one place that relies on that, and it is Playwright's private API: it reaches Playwright's
loop through ``_sync``, the method every sync API object uses for its own calls, and ``_loop``. Blocking Python
waits would stop every worker, so the pool's pauses and locks come from here too (:meth:`Fibers.sleep`,
:meth:`Fibers.lock`). A Playwright release may change all that, so :meth:`Fibers.unavailable` says, before a
pool starts, whether fibers may run: only on the releases they were tested with (:data:`TESTED_PLAYWRIGHT`, the
range ``pyproject.toml`` installs), with those two attributes, and when a probe shows two fibers really take
turns. Otherwise the pool falls back to :class:`OneAtATime`, the public API only: one worker.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Any, Protocol

import greenlet

from agent.core.i18n import _

#: The Playwright releases the fibers were tested with, as (major, minor): from the first, up to (not including)
#: the second. ``pyproject.toml`` bounds the install to the same range (``tests/unit/test_fibers.py`` checks both).
TESTED_PLAYWRIGHT: tuple[tuple[int, int], tuple[int, int]] = ((1, 65), (1, 66))
#: The private names of Playwright's sync API the fibers use (a module constant, so a test can take one away).
PRIVATE_SYNC, PRIVATE_LOOP = "_sync", "_loop"
#: How long the start-up probe lets a fiber wait for its turn before it calls the fibers broken.
PROBE_S = 5.0


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


class Scheduler(Protocol):
    """How a pool's workers share the thread: :class:`Fibers`, or the fallback :class:`OneAtATime`."""

    def sleep(self, seconds: float) -> None: ...

    def lock(self) -> AbstractContextManager[Any]: ...

    def run(self, functions: Sequence[Callable[[], None]]) -> list[BaseException]: ...


def playwright_version() -> str:
    """The installed Playwright's version ("" when it cannot be told)."""
    try:
        return version("playwright")
    except PackageNotFoundError:
        return ""


def tested(release: str) -> bool:
    """Whether a Playwright version is in :data:`TESTED_PLAYWRIGHT`."""
    found = re.match(r"(\d+)\.(\d+)", release)
    if found is None:
        return False
    low, high = TESTED_PLAYWRIGHT
    return low <= (int(found.group(1)), int(found.group(2))) < high


class Fibers:
    """Run functions as cooperative workers on the Playwright of ``anchor`` (any of its sync objects)."""

    def __init__(self, anchor: object) -> None:
        self._anchor = anchor

    def wait(self, awaitable: Awaitable[Any]) -> Any:
        """Wait for ``awaitable`` on Playwright's loop; the other workers run meanwhile."""
        return getattr(self._anchor, PRIVATE_SYNC)(awaitable)

    def unavailable(self, release: str | None = None) -> str:
        """Why fibers must not run on this Playwright ("" when they may); ``release`` defaults to the installed one.

        Fibers run only on a tested release whose sync objects have the private ``_sync`` and ``_loop``, and only
        when two probe fibers take turns: the first waits for what only the second does, then goes on.
        """
        release = playwright_version() if release is None else release
        if not tested(release):
            low, high = (".".join(map(str, bound)) for bound in TESTED_PLAYWRIGHT)
            return _("Playwright {version} is not a release the parallel workers were tested with ({low} to "
                     "before {high})", version=release or "?", low=low, high=high)
        if not (callable(getattr(self._anchor, PRIVATE_SYNC, None))
                and isinstance(getattr(self._anchor, PRIVATE_LOOP, None), asyncio.AbstractEventLoop)):
            return _("Playwright {version} lacks what the parallel workers use of its sync API", version=release)
        try:
            if self._take_turns():
                return ""
        except Exception:  # noqa: BLE001 - whatever broke, the answer is the same: no fibers
            pass
        return _("the parallel workers do not take turns on Playwright {version}", version=release)

    def _take_turns(self) -> bool:
        """Two fibers: the first waits for a future that only the second settles; taking turns, the first goes on
        after the second ran. A wait that held the whole thread would time out instead (after :data:`PROBE_S`)."""
        handed: asyncio.Future[None] = getattr(self._anchor, PRIVATE_LOOP).create_future()
        order: list[str] = []

        def first() -> None:
            order.append("first waits")
            self.wait(asyncio.wait_for(handed, PROBE_S))
            order.append("first goes on")

        def second() -> None:
            order.append("second runs")
            handed.set_result(None)
            self.wait(asyncio.sleep(0))

        return not self.run([first, second]) and order == ["first waits", "second runs", "first goes on"]

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
        loop: asyncio.AbstractEventLoop = getattr(self._anchor, PRIVATE_LOOP)
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


class OneAtATime:
    """The fallback on Playwright's public API only: the workers run one after another on the calling thread.

    Each worker takes postings until none is left, so the first does them all: one worker's speed, nothing
    interleaved. A pause waits for the run's stop (Ctrl-C, the anti-bot page, the breaker) or its end, whichever
    comes first (nothing else could run meanwhile anyway).
    """

    def __init__(self, stop: threading.Event | None = None) -> None:
        self._stop = stop or threading.Event()

    def sleep(self, seconds: float) -> None:
        """Pause (a back-off, a rate limit) until the run is stopped or the pause is over."""
        if seconds > 0:
            self._stop.wait(seconds)

    def lock(self) -> AbstractContextManager[Any]:
        """A plain lock (one worker at a time holds it anyway)."""
        return threading.Lock()

    def run(self, functions: Sequence[Callable[[], None]]) -> list[BaseException]:
        """Run the functions one after another; returns what they raised (one raising does not stop the next)."""
        raised: list[BaseException] = []
        for function in functions:
            try:
                function()
            except BaseException as err:  # noqa: BLE001 - handed to the caller, as Fibers.run does
                raised.append(err)
        return raised
