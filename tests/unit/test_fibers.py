"""Cooperative workers on one Playwright (``agent.bulk.fibers``): they interleave at every Playwright call.

The order of events proves it, not timings: each worker writes down when it starts and ends a wait that the
browser holds open (a promise resolved by a timer in the page), so interleaved workers all start before any
ends, and workers run one after another would alternate.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page

from agent.bulk.fibers import Fibers

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
