"""Cooperative workers on one Playwright (``agent.bulk.fibers``): they interleave at every Playwright call.

The order of events proves it, not timings: each worker writes down when it starts and ends a wait that the
browser holds open (a promise resolved by a timer in the page), so interleaved workers all start before any
ends, and workers run one after another would alternate.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
import tomllib
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from agent.bulk import fibers as fibers_module
from agent.bulk.fibers import TESTED_PLAYWRIGHT, Fibers, OneAtATime, playwright_version
from agent.bulk.fibers import tested as is_tested

ROOT = Path(__file__).resolve().parents[2]

HOLD = "ms => new Promise(done => setTimeout(done, ms))"


def pages(browser: Browser, n: int) -> list[Page]:
    return [browser.new_context().new_page() for _ in range(n)]


def test_workers_should_all_be_waiting_on_the_browser_at_once(browser: Browser) -> None:
    events: list[str] = []

    def worker(i: int, page: Page) -> Callable[[], None]:
        def run() -> None:
            events.append(f"start {i}")
            page.evaluate(HOLD, 300)
            events.append(f"end {i}")
        return run

    raised = Fibers(browser).run([worker(i, page) for i, page in enumerate(pages(browser, 3))])

    assert raised == []
    assert sorted(events[:3]) == ["start 0", "start 1", "start 2"], events
    assert sorted(events[3:]) == ["end 0", "end 1", "end 2"], events


def test_a_pause_should_hold_its_own_worker_only(browser: Browser) -> None:
    fibers = Fibers(browser)
    events: list[str] = []
    page = pages(browser, 1)[0]

    def pausing() -> None:
        fibers.sleep(1.0)
        events.append("paused worker done")

    def busy() -> None:
        for _ in range(3):
            page.evaluate(HOLD, 10)
        events.append("busy worker done")

    fibers.run([pausing, busy])

    assert events == ["busy worker done", "paused worker done"]


def test_a_lock_should_keep_a_second_worker_out_while_the_first_waits_on_the_browser(browser: Browser) -> None:
    fibers = Fibers(browser)
    lock = fibers.lock()
    events: list[str] = []

    def worker(i: int, page: Page) -> Callable[[], None]:
        def run() -> None:
            with lock:
                events.append(f"in {i}")
                page.evaluate(HOLD, 100)
                events.append(f"out {i}")
        return run

    fibers.run([worker(i, page) for i, page in enumerate(pages(browser, 2))])

    assert events in (["in 0", "out 0", "in 1", "out 1"], ["in 1", "out 1", "in 0", "out 0"]), events


def test_a_worker_that_raises_should_not_stop_the_others_and_its_error_should_be_returned(browser: Browser) -> None:
    done: list[int] = []
    page = pages(browser, 1)[0]

    def failing() -> None:
        page.evaluate(HOLD, 10)
        raise ValueError("broken worker")

    def fine() -> None:
        page.evaluate(HOLD, 50)
        done.append(1)

    raised = Fibers(browser).run([failing, fine])

    assert done == [1]
    assert [str(e) for e in raised] == ["broken worker"]


@pytest.mark.parametrize("count", [0, 1], ids=["no workers", "one worker"])
def test_few_workers_should_just_run(browser: Browser, count: int) -> None:
    ran: list[int] = []
    assert Fibers(browser).run([lambda: ran.append(1)] * count) == []
    assert ran == [1] * count


# -- which Playwright the fibers may run on -------------------------------------------------------------------
def test_pyproject_should_install_only_the_playwright_releases_the_fibers_were_tested_with() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    playwright = next(d for d in dependencies if re.match(r"playwright\b", d))
    low, high = (".".join(map(str, bound)) for bound in TESTED_PLAYWRIGHT)
    assert playwright.replace(" ", "") == f"playwright>={low},<{high}", "raise both together, after testing"
    assert is_tested(playwright_version()), f"the installed Playwright {playwright_version()} is outside {low}..{high}"


@pytest.mark.parametrize(("release", "ok"), [("1.65.0", True), ("1.65.3", True), ("1.64.9", False),
                                             ("1.66.0", False), ("2.0.0", False), ("", False), ("1.x", False)])
def test_only_a_tested_release_should_count_as_tested(release: str, ok: bool) -> None:
    assert is_tested(release) is ok


def test_fibers_should_take_turns_on_the_installed_playwright(browser: Browser) -> None:
    assert Fibers(browser).unavailable() == "", "a Playwright that breaks the fibers fails here, in CI"


def test_fibers_should_be_refused_on_a_release_they_were_not_tested_with(browser: Browser) -> None:
    assert Fibers(browser).unavailable("1.66.0") == ("Playwright 1.66.0 is not a release the parallel workers were "
                                                     "tested with (1.65 to before 1.66)")


def test_fibers_should_be_refused_when_playwright_lacks_its_private_sync(browser: Browser,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fibers_module, "PRIVATE_SYNC", "_sync_renamed_in_a_later_release")
    assert Fibers(browser).unavailable() == (f"Playwright {playwright_version()} lacks what the parallel workers use "
                                             "of its sync API")


class HoldsTheThread:
    """A sync API whose every call runs its own loop to the end, holding the thread (nothing else runs meanwhile)."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()

    def _sync(self, awaitable: Awaitable[Any]) -> Any:
        async def call() -> Any:
            return await awaitable

        running = call()
        try:
            return self._loop.run_until_complete(running)
        finally:
            running.close()  # never started when the loop was already running
            if asyncio.iscoroutine(awaitable):
                awaitable.close()


@pytest.fixture
def holds_the_thread() -> Iterator[HoldsTheThread]:
    api = HoldsTheThread()
    yield api
    api._loop.close()


def test_fibers_should_be_refused_when_a_playwright_call_holds_the_whole_thread(
    holds_the_thread: HoldsTheThread,
) -> None:
    assert Fibers(holds_the_thread).unavailable(playwright_version()) == (
        f"the parallel workers do not take turns on Playwright {playwright_version()}")


def test_one_at_a_time_should_run_each_function_to_its_end_before_the_next() -> None:
    events: list[str] = []

    def worker(i: int) -> Callable[[], None]:
        def run() -> None:
            events.append(f"start {i}")
            if i == 0:
                raise ValueError("broken worker")
            events.append(f"end {i}")
        return run

    raised = OneAtATime().run([worker(i) for i in range(3)])

    assert events == ["start 0", "start 1", "end 1", "start 2", "end 2"]
    assert [str(e) for e in raised] == ["broken worker"]


def test_one_at_a_time_should_end_a_pause_when_the_run_is_stopped() -> None:
    """A rate limit's pause on one worker is cut short by Ctrl-C, the anti-bot page or the breaker."""
    stop = threading.Event()
    pauses = OneAtATime(stop)
    threading.Timer(0.05, stop.set).start()

    started = time.monotonic()
    pauses.sleep(30)

    assert time.monotonic() - started < 10, "the pause went on after the stop"


def test_one_at_a_time_should_pause_for_as_long_as_asked_while_the_run_goes_on() -> None:
    started = time.monotonic()
    OneAtATime(threading.Event()).sleep(0.2)
    assert time.monotonic() - started >= 0.2
