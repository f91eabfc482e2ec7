"""Parallel workers for bulk runs: one thread per worker, each with its own Playwright, browser and context.

Playwright's sync API belongs to the thread that started it, so every worker owns a whole browser. Workers
pull tasks from one queue, stop taking new ones once ``stop`` is set (Ctrl-C, anti-bot page, circuit
breaker), and always finish the task in hand.
"""

from __future__ import annotations

import gc
import queue
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from loguru import logger
from playwright.sync_api import Error as PlaywrightError

from agent.core.browser import BrowserChoice, choose_browser, launched_browser
from agent.core.errors import AbortRun, AgentError
from agent.core.i18n import _
from agent.core.netlog import SentRequest, netlog_args, read_requests
from agent.core.otp import CodeSource
from agent.core.session import new_context, save_state
from agent.core.settings import Settings
from agent.core.timings import step
from scenarios.portal import Portal

T = TypeVar("T")


class RateLimiter:
    """At most ``per_minute`` starts a minute, spread evenly; waits wake up early when the run stops."""

    def __init__(self, per_minute: float | None, stop: threading.Event) -> None:
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.stop = stop
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> bool:
        """Wait for the next slot; False when the run stopped meanwhile."""
        if not self.interval:
            return not self.stop.is_set()
        with self._lock:
            slot = max(self._next, time.monotonic())
            self._next = slot + self.interval
        delay = slot - time.monotonic()
        return not self.stop.wait(delay) if delay > 0 else not self.stop.is_set()


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
    #: With both set (and ``settings.count_resends``), each worker's local Chromium writes a NetLog; when the
    #: worker's browser has closed, the requests ``netlog_filter(method, url)`` selects are handed to
    #: ``on_netlog`` on that worker's thread, with how many times the browser really sent each one.
    netlog_filter: Callable[[str, str], bool] | None = None
    on_netlog: Callable[[list[SentRequest]], None] | None = None

    def run(self, tasks: Sequence[T], work: Callable[[Portal, T], None]) -> PoolOutcome:
        """Work through ``tasks``; returns when all are done or the run was stopped."""
        todo: queue.Queue[T] = queue.Queue()
        for task in tasks:
            todo.put(task)
        outcome = PoolOutcome()
        limiter = RateLimiter(self.max_rate, self.stop)
        lock = threading.Lock()

        def worker(n: int) -> None:
            try:
                self._worker_loop(n, todo, work, limiter)
            except AbortRun as err:
                with lock:  # without its traceback: it holds this thread's Playwright frames
                    outcome.aborted = outcome.aborted or err.with_traceback(None)
                self.stop.set()
            except (AgentError, PlaywrightError) as err:  # a browser that died: the others carry on
                logger.error(_("worker {n} stopped: {why}", n=n, why=str(err).splitlines()[0]))
                with lock:
                    outcome.crashed.append(str(err).splitlines()[0])
            finally:
                # Free this thread's Playwright objects here: greenlets freed later by another thread
                # can crash the interpreter at exit.
                gc.collect()

        threads = [threading.Thread(target=worker, args=(n + 1,), name=f"worker-{n + 1}", daemon=True)
                   for n in range(max(1, min(self.workers, len(tasks))))]
        previous = self._catch_ctrl_c(outcome)
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.25)  # short joins keep the main thread responsive to signals
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        return outcome

    def _catch_ctrl_c(self, outcome: PoolOutcome) -> Any:
        """First Ctrl-C: stop taking postings, finish the ones in hand. Second: stop at once.

        A handler instead of KeyboardInterrupt, because unwinding the main thread while workers hold
        Playwright objects crashes the interpreter; workers must close their own browsers.
        """
        if threading.current_thread() is not threading.main_thread():
            return None

        def on_sigint(signum: int, frame: object) -> None:
            if outcome.interrupted:
                raise KeyboardInterrupt
            outcome.interrupted = True
            self.stop.set()
            logger.warning(_("stopping: finishing the postings in hand; the rest stay pending (Ctrl-C again to kill)"))

        return signal.signal(signal.SIGINT, on_sigint)

    def _worker_loop(self, n: int, todo: queue.Queue[T], work: Callable[[Portal, T], None],
                     limiter: RateLimiter) -> None:
        choice = choose_browser(self.settings)
        counting = bool(self.netlog_filter and self.on_netlog and self.settings.count_resends and not choice.endpoint)
        netlog = Path(tempfile.mkdtemp(prefix="ozon-rpa-netlog-")) / f"worker-{n}.json" if counting else None
        try:
            self._browse(choice, netlog, todo, work, limiter, n)
        finally:
            if netlog is not None:
                try:  # the browser has closed: its NetLog is complete
                    if self.netlog_filter and self.on_netlog:
                        self.on_netlog(read_requests(netlog, self.netlog_filter))
                finally:
                    shutil.rmtree(netlog.parent, ignore_errors=True)

    def _browse(self, choice: BrowserChoice, netlog: Path | None, todo: queue.Queue[T],
                work: Callable[[Portal, T], None], limiter: RateLimiter, n: int) -> None:
        starting = step("browser start")
        starting.__enter__()
        with launched_browser(choice, headless=self.settings.headless, slow_mo_ms=self.settings.slow_mo_ms,
                              extra_args=netlog_args(netlog) if netlog else ()) as (_, browser):
            context = new_context(browser, self.settings)
            portal = Portal(context.new_page(), self.settings, self.code_source)
            starting.__exit__(None, None, None)
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
                        portal = Portal(context.new_page(), self.settings, self.code_source)
            finally:
                context.close()
