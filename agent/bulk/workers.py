"""Parallel workers for bulk runs: one browser, a context per worker, the workers interleaved on one thread.

A worker is a browser context with its own page (its own copy of the sign-in), run as a cooperative fiber
(:mod:`agent.bulk.fibers`): while one waits for the portal the others run. One Playwright driver and one
Chromium serve them all, so a worker costs a context (~100 MB), not a driver and a browser (~450 MB), and
the run starts one browser, not one per worker. The pool signs in once, in its first context, before any
worker starts, so the workers share that sign-in instead of each asking for a code. Workers pull tasks from
one queue, stop taking new ones once ``stop`` is set (Ctrl-C, anti-bot page, circuit breaker), and always
finish the task in hand.
"""

from __future__ import annotations

import queue
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from loguru import logger
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from agent.bulk.fibers import Fibers, OneAtATime, Scheduler
from agent.core.browser.choice import choose_browser, launched_browser
from agent.core.browser.hosts import ensure_allowed
from agent.core.browser.netlog import SentRequest, netlog_args, read_requests
from agent.core.browser.otp import CodeSource
from agent.core.browser.session import new_context, save_state
from agent.core.errors import AbortRun, AgentError
from agent.core.i18n import _
from agent.core.settings import Settings
from agent.core.timings import step
from pages.postings_list import PostingsListPage
from scenarios.portal import Portal, ReadBackRoute

T = TypeVar("T")


class RateLimiter:
    """At most ``per_minute`` starts a minute, spread evenly; waits wake up early when the run stops."""

    #: The longest single pause: a stop is noticed within this.
    TICK_S = 0.5

    def __init__(self, per_minute: float | None, stop: threading.Event,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.stop = stop
        self.sleep = sleep
        self._next = time.monotonic()

    def acquire(self) -> bool:
        """Wait for the next slot (pausing this worker only); False when the run stopped meanwhile."""
        if not self.interval:
            return not self.stop.is_set()
        slot = max(self._next, time.monotonic())  # no lock: the workers share one thread
        self._next = slot + self.interval
        while not self.stop.is_set() and (delay := slot - time.monotonic()) > 0:
            self.sleep(min(delay, self.TICK_S))
        return not self.stop.is_set()


@dataclass
class PoolOutcome:
    """Why a pool stopped early, if it did."""

    aborted: AbortRun | None = None
    crashed: list[str] = field(default_factory=list)
    interrupted: bool = False  # a person pressed Ctrl-C


@dataclass
class WorkerPool(Generic[T]):
    """Run ``work(portal, task)`` over tasks with N browser workers."""

    settings: Settings
    workers: int
    code_source: CodeSource | None
    stop: threading.Event = field(default_factory=threading.Event)
    max_rate: float | None = None
    #: With both set (and ``settings.count_resends``), the pool's local Chromium writes a NetLog; when the
    #: browser has closed (its log complete), the requests ``netlog_filter(method, url)`` selects are handed to
    #: ``on_netlog``, with how many times the browser really sent each one; ``None`` when no NetLog was written
    #: (counting turned off, or a remote browser, whose network log is not ours to read).
    netlog_filter: Callable[[str, str], bool] | None = None
    on_netlog: Callable[[list[SentRequest] | None], None] | None = None
    #: How read-backs go (``Portal.read_back``), one for all workers: once any worker saw the app show a posting
    #: from its memory, every worker reads back with page loads (none waits for an answer that will not come).
    _read_back: ReadBackRoute = field(default_factory=ReadBackRoute, init=False)

    def run(self, tasks: Sequence[T], work: Callable[[Portal, T], None]) -> PoolOutcome:
        """Work through ``tasks``; returns when all are done or the run was stopped."""
        todo: queue.Queue[T] = queue.Queue()
        for task in tasks:
            todo.put(task)
        outcome = PoolOutcome()
        if not tasks:
            return outcome
        choice = choose_browser(self.settings)
        counting = bool(self.netlog_filter and self.on_netlog and self.settings.count_resends and not choice.endpoint)
        netlog = Path(tempfile.mkdtemp(prefix="ozon-rpa-netlog-")) / "browser.json" if counting else None
        previous = self._catch_ctrl_c(outcome)
        try:
            with ExitStack() as open_browser:
                with step("browser start"):  # the launch alone, for the benchmark's breakdown
                    _, browser = open_browser.enter_context(launched_browser(
                        choice, headless=self.settings.headless, slow_mo_ms=self.settings.slow_mo_ms,
                        extra_args=netlog_args(netlog) if netlog else ()))
                self._run_in(browser, todo, work, outcome, min(self.workers, len(tasks)))
        except AbortRun as err:
            outcome.aborted = outcome.aborted or err.with_traceback(None)
            self.stop.set()
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
            if netlog is not None:
                try:  # the browser has closed: its NetLog is complete
                    if self.netlog_filter and self.on_netlog:
                        self.on_netlog(read_requests(netlog, self.netlog_filter))
                finally:
                    shutil.rmtree(netlog.parent, ignore_errors=True)
            elif self.netlog_filter and self.on_netlog:
                self.on_netlog(None)
        return outcome

    def _run_in(self, browser: Browser, todo: queue.Queue[T], work: Callable[[Portal, T], None],
                outcome: PoolOutcome, workers: int) -> None:
        fibers: Scheduler = OneAtATime(self.stop)  # one worker needs no fibers: Playwright's public API only
        if workers > 1:
            fibers = Fibers(browser)
            if why := fibers.unavailable():  # a Playwright the fibers were not tested with: the public API
                logger.warning(_("{why}: this run uses one worker", why=why))
                fibers, workers = OneAtATime(self.stop), 1
        limiter = RateLimiter(self.max_rate, self.stop, fibers.sleep)
        sign_in_lock = fibers.lock()
        first = self._signed_in(browser)  # before any worker: they all start from this sign-in (worker 1 goes on)

        def worker(n: int) -> Callable[[], None]:
            def run() -> None:
                try:
                    self._worker_loop(n, browser, first if n == 1 else None, todo, work, limiter, fibers,
                                      sign_in_lock)
                except AbortRun as err:  # without its traceback: it holds Playwright frames
                    outcome.aborted = outcome.aborted or err.with_traceback(None)
                    self.stop.set()
                except (AgentError, PlaywrightError) as err:  # a context that broke: the others carry on
                    logger.error(_("worker {n} stopped: {why}", n=n, why=str(err).splitlines()[0]))
                    outcome.crashed.append(str(err).splitlines()[0])
            return run

        raised = fibers.run([worker(n + 1) for n in range(max(1, workers))])
        if raised:
            raise raised[0]

    def _signed_in(self, browser: Browser) -> Page:
        """A first page on the postings list, signed in when the portal asked; the state saved for the rest."""
        ensure_allowed(self.settings)
        with step("sign-in check"):
            context = new_context(browser, self.settings)
            portal = Portal(context.new_page(), self.settings, self.code_source)
            portal.open(PostingsListPage.url(self.settings.base_url, self.settings.postings_path))
            if portal.logins:
                save_state(context, self.settings)
        return portal.page

    def _catch_ctrl_c(self, outcome: PoolOutcome) -> Any:
        """First Ctrl-C: stop taking postings, finish the ones in hand. Second: stop at once."""
        if threading.current_thread() is not threading.main_thread():
            return None

        def on_sigint(signum: int, frame: object) -> None:
            if outcome.interrupted:
                raise KeyboardInterrupt
            outcome.interrupted = True
            self.stop.set()
            logger.warning(_("stopping: finishing the postings in hand; the rest stay pending (Ctrl-C again to kill)"))

        return signal.signal(signal.SIGINT, on_sigint)

    def _worker_loop(self, n: int, browser: Browser, first: Page | None, todo: queue.Queue[T],
                     work: Callable[[Portal, T], None], limiter: RateLimiter, fibers: Scheduler,
                     sign_in_lock: Any) -> None:
        context = first.context if first is not None else new_context(browser, self.settings)

        def portal_of(context: BrowserContext, page: Page | None = None) -> Portal:
            portal = Portal(page or context.new_page(), self.settings, self.code_source)
            portal.sign_in_lock = sign_in_lock  # one sign-in at a time, without stopping the other workers
            portal.pause = fibers.sleep  # retry back-offs pause this worker only
            portal.read_back = self._read_back
            return portal

        portal = portal_of(context, first)  # worker 1 goes on from the sign-in's page, already on the list
        done = 0
        try:
            while not self.stop.is_set():
                try:
                    task = todo.get_nowait()
                except queue.Empty:
                    return
                if not limiter.acquire():
                    todo.put(task)  # not started: it stays for a resume
                    return
                with logger.contextualize(worker=n):
                    work(portal, task)
                done += 1
                if done % self.settings.context_recycle == 0:
                    # A long-lived page keeps growing in memory; a fresh context (same sign-in) does not.
                    save_state(context, self.settings)
                    context.close()
                    context = new_context(browser, self.settings)
                    portal = portal_of(context)
        finally:
            context.close()
