"""Sending alerts without holding anything up: a daemon thread of their own, short retries, a hard time cap.

Why a thread: a receiver that is slow or down must not slow a watch's scans or a bulk run's workers, so callers
only queue an alert (:meth:`Dispatcher.send`) and go on. The thread sends to each target in turn, retrying a
failed send briefly (tenacity: three tries, backing off from one second) while the alert's time allows
(``OZON_RPA_ALERT_TIMEOUT_S``); each try's network time-outs are cut to what is left of it. At its end a command
waits for what is still queued at most that long again (:meth:`Dispatcher.close`), then gives it up: the thread
is a daemon, so a receiver that never answers never keeps the process alive. Whatever was not delivered is a
warning in the log and a line in the command's summary (:attr:`Dispatcher.undelivered`); it never changes the
command's outcome or exit code.

An alert may be given as a function that words it when its turn comes (``None``: nothing to say), so that one
that depends on what was told before (the watch's) is worked out after the previous one was sent.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from loguru import logger
from tenacity import RetryCallState, Retrying, retry_if_result, stop_after_attempt
from tenacity.stop import stop_base

from agent.alerts.targets import AlertTarget, AlertTargets, asset, load_targets
from agent.core.i18n import _
from agent.core.redact import redact
from agent.core.settings import Settings

Level = Literal["info", "success", "warning", "failure"]
#: Tries per target, and the first back-off between them (doubling).
ATTEMPTS = 3
BACKOFF_S = 1.0
#: The share of ``OZON_RPA_ALERT_TIMEOUT_S`` an alert's tries may take (the rest is for their last answer).
TRIES_SHARE = 0.8


@dataclass(frozen=True)
class Alert:
    """One message: a short title and a few lines of plain text, in the operator's language."""

    title: str
    body: str
    level: Level = "info"


Prepare = Callable[[], Alert | None]


@dataclass(frozen=True)
class NotDelivered:
    """An alert that did not reach one target, and why (never with the target's token)."""

    target: str
    title: str
    why: str

    def __str__(self) -> str:
        return _("alert «{title}» not delivered to {target}: {why}", title=self.title, target=self.target,
                 why=self.why)


@dataclass
class _Job:
    prepare: Prepare
    on_delivered: Callable[[], None] | None
    done: threading.Event = field(default_factory=threading.Event)
    title: str = ""
    settled: set[str] = field(default_factory=set)  # targets delivered to, or given up
    reasons: dict[str, str] = field(default_factory=dict)  # why the last try at a target failed


class Dispatcher:
    """Queues alerts and sends them from a daemon thread; :meth:`close` at the command's end.

    Without targets (alerts not set up) it does nothing at all: not even the wording functions are called.
    """

    def __init__(self, targets: AlertTargets | Callable[[], AlertTargets], *, cap_s: float,
                 attempts: int = ATTEMPTS, backoff_s: float = BACKOFF_S, enabled: bool = True) -> None:
        self._targets_source = targets
        self.targets: list[AlertTarget] = []
        self.problems: list[str] = []
        self.cap_s = cap_s
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.enabled = enabled
        self.sent: list[tuple[str, str]] = []  # (title, target)
        self.undelivered: list[NotDelivered] = []
        self._jobs: list[_Job] = []
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._given_up = threading.Event()
        self._loaded = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def for_settings(cls, settings: Settings) -> Dispatcher:
        """A dispatcher for the settings' targets, loaded in its own thread (Apprise takes a moment to load)."""
        from agent.alerts.targets import alert_urls

        configured = bool(alert_urls(settings))  # registers every secret part first, before anything can log
        dispatcher = cls(lambda: load_targets(settings), cap_s=settings.alert_timeout_s, enabled=configured)
        if configured:
            dispatcher._start()  # Apprise loads while the run goes on: its alerts leave at once when they come
        return dispatcher

    def send(self, alert: Alert | Prepare, on_delivered: Callable[[], None] | None = None) -> None:
        """Queue an alert (or a function that words it, or says ``None``); ``on_delivered`` runs once it reached
        at least one target. Returns at once."""
        if not self.enabled:
            return
        prepare: Prepare = (lambda: alert) if isinstance(alert, Alert) else alert
        job = _Job(prepare, on_delivered)
        with self._lock:
            self._jobs = [*(j for j in self._jobs if not j.done.is_set()), job]  # a long watch keeps only the open
        self._start()
        self._queue.put(job)

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name="alerts", daemon=True)
                self._thread.start()

    def close(self) -> None:
        """Wait for the queued alerts at most ``cap_s``; give up on the rest (each noted as not delivered)."""
        if self._thread is None:
            return
        deadline = time.monotonic() + self.cap_s
        try:
            self._loaded.wait(self.cap_s)  # so that a URL Apprise cannot use is said even when nothing was sent
            for job in list(self._jobs):
                if not job.done.wait(max(0.0, deadline - time.monotonic())):
                    break
        except KeyboardInterrupt:  # a person in a hurry: give up waiting, never fail the command for it
            pass
        with self._lock:
            self._given_up.set()
            self._queue.put(None)
            gave_up = _("not sent within {seconds} s; given up", seconds=f"{self.cap_s:g}")
            labels = [t.label for t in self.targets] or [_("the alert targets")]
            for job in self._jobs:
                for label in [] if job.done.is_set() else labels:
                    if label not in job.settled:
                        why = f"{job.reasons[label]}; {gave_up}" if label in job.reasons else gave_up
                        self._note_undelivered(NotDelivered(label, job.title or _("(not worded yet)"), why))

    # -- the thread ---------------------------------------------------------------------------------------

    def _serve(self) -> None:
        self._load()
        while (job := self._queue.get()) is not None:
            try:
                self._run(job)
            except Exception as err:  # noqa: BLE001 - an alert must never break anything: say it and go on
                self._warn(_("an alert could not be sent: {why}",
                             why=redact(str(err).splitlines()[0] if str(err) else repr(err))))
            finally:
                job.done.set()

    def _warn(self, message: str) -> None:
        """A warning from the alert thread, unless the command has stopped waiting for it (it may be gone)."""
        with self._lock:
            if not self._given_up.is_set():
                logger.warning(message)

    def _load(self) -> None:
        source = self._targets_source
        try:
            loaded = source() if callable(source) else source
        except Exception as err:  # noqa: BLE001 - a broken alert library must not stop a run
            loaded = AlertTargets(problems=[_("alerts could not be set up: {why}", why=redact(str(err)))])
        self.targets, self.problems = loaded.targets, loaded.problems
        for problem in loaded.problems:
            self._warn(problem)
        self._loaded.set()

    def _run(self, job: _Job) -> None:
        alert = job.prepare()
        if alert is None:
            return
        job.title = alert.title
        # The tries end a little before the command stops waiting, so that the last one's reason can be said.
        deadline = time.monotonic() + TRIES_SHARE * self.cap_s
        reached = False
        for target in self.targets:
            delivered, why = self._deliver(target, alert, deadline, job.reasons)
            with self._lock:
                if self._given_up.is_set():
                    return  # close() has already said it was not delivered
                job.settled.add(target.label)
                if delivered:
                    reached = True
                    self.sent.append((alert.title, target.label))
                    logger.info(_("alert sent to {target}: {title}", target=target.label, title=alert.title))
                else:
                    self._note_undelivered(NotDelivered(target.label, alert.title, why))
        if reached and job.on_delivered is not None:
            with self._lock:
                if self._given_up.is_set():
                    return
            job.on_delivered()

    def _note_undelivered(self, failure: NotDelivered) -> None:
        self.undelivered.append(failure)
        logger.warning(str(failure))

    def _deliver(self, target: AlertTarget, alert: Alert, deadline: float,
                 reasons: dict[str, str]) -> tuple[bool, str]:
        """Send one alert to one target, retried briefly until ``deadline``: (delivered, why not); the reason of
        each failed try goes to ``reasons`` at once."""
        why = [_("not sent in time")]

        def attempt() -> bool:
            delivered, reason = _send_once(target, alert, deadline - time.monotonic())
            if reason:
                why.append(reason)
                reasons[target.label] = reason
            return delivered

        def pause(seconds: float) -> None:  # a back-off that ends at the deadline, or at once when given up
            self._given_up.wait(max(0.0, min(seconds, deadline - time.monotonic())))

        retrying = Retrying(stop=stop_after_attempt(self.attempts) | _OutOfTime(deadline, self._given_up),
                            wait=lambda state: self.backoff_s * 2 ** (state.attempt_number - 1),
                            retry=retry_if_result(lambda delivered: not delivered), sleep=pause,
                            retry_error_callback=lambda state: False)
        return bool(retrying(attempt)), why[-1]


class _OutOfTime(stop_base):
    """Stop retrying at the alert's deadline, or at once when the command gave up waiting."""

    def __init__(self, deadline: float, given_up: threading.Event) -> None:
        self.deadline = deadline
        self.given_up = given_up

    def __call__(self, retry_state: RetryCallState) -> bool:
        return time.monotonic() >= self.deadline or self.given_up.is_set()


def _send_once(target: AlertTarget, alert: Alert, time_left: float) -> tuple[bool, str]:
    """One try: (delivered, why not). The service's network time-outs are cut to the time left."""
    if time_left <= 0:
        return False, ""  # no time for another try: the last one's reason stands
    from apprise import Apprise, NotifyFormat

    for name, own in target.timeouts.items():
        setattr(target.service, name, max(0.5, min(own, time_left)))
    sender = Apprise(asset=asset())
    sender.add(target.service)
    try:
        result = sender.notify(body=alert.body, title=alert.title, notify_type=alert.level,
                               body_format=NotifyFormat.TEXT)
    except Exception as err:  # noqa: BLE001 - whatever a service library raises is a failed delivery
        return False, redact(f"{type(err).__name__}: {err}")
    if result:
        return True, ""
    return False, _reason(result)


def _reason(result: Any) -> str:
    """Why Apprise could not deliver: its last warning about it (it names hosts, not tokens; redacted anyway)."""
    said = [entry for entry in _log_entries(result) if _level(getattr(entry, "level", 0)) >= logging.WARNING]
    message = str(getattr(said[-1], "message", "")) if said else ""
    return redact(message.strip()) if message.strip() else _("the service did not accept it")


def _log_entries(result: Any) -> list[Any]:
    logs = getattr(result, "logs", None)
    try:
        return list(logs()) if callable(logs) else []
    except Exception:  # noqa: BLE001 - no reason is better than a crash
        return []


def _level(level: object) -> int:
    """A log level given as a number or a name (Apprise's entries use names)."""
    if isinstance(level, int):
        return level
    number = logging.getLevelName(str(level).upper())
    return number if isinstance(number, int) else 0
