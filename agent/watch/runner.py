"""The status watch: scan, judge, record, report, alert; once or on a schedule until stopped.

Top layer of ``agent/`` (like the runner): it calls the ``status_scan`` scenario. One browser serves the scans
of a ``--every`` loop; each scan opens its pages through the portal, so a lapsed session leads to a new sign-in,
and the anti-bot page stops the watch (exit 3), never passed; so does UI drift (exit 3: not scanned). A scan that
fails otherwise (the portal or the browser failing, a session lapsed with nobody to give a code) does not end a
``--every`` watch: it is alerted, the browser is closed, and the next scan starts afresh (a new browser, the
saved sign-in read again: a person may have run ``ozon-rpa login --interactive`` meanwhile).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from loguru import logger
from playwright.sync_api import Error as PlaywrightError

from agent.core.errors import (
    AbortRun,
    AgentError,
    AntiBotChallenge,
    ConfigError,
    PortalBlocked,
    PortalError,
    SessionExpired,
    UIDrift,
)
from agent.core.i18n import _, ngettext
from agent.core.records import ExitCode
from agent.core.settings import Settings
from agent.rules.anomalies import Finding, journal_findings, needs_drawer, pending_postings, portal_findings
from agent.runner import Workbench, operator_name, workbench
from agent.watch.alerts import WatchAlerts
from agent.watch.report import ScanFacts, write_csv, write_watch_report
from scenarios.login import SignInFailed
from scenarios.status_scan import read_drawers, scan_tabs

#: The tabs that hold postings on their way: awaiting shipment, and the delivering statuses.
DEFAULT_TABS = ("awaiting_deliver", "delivering")


@dataclass
class ScanResult:
    """One finished scan."""

    run_id: str
    findings: list[Finding]
    facts: ScanFacts
    report: Path
    csv: Path

    @property
    def exit_code(self) -> int:
        """1 when anything is flagged, 0 when clean."""
        return ExitCode.SOME_FAILED if self.findings else ExitCode.OK

    @property
    def flagged(self) -> int:
        """How many postings are flagged."""
        return len({f.posting_number for f in self.findings})


@dataclass
class WatchOutcome:
    """How a watch ended: its scans, and why it stopped early if it did."""

    scans: list[ScanResult] = field(default_factory=list)
    aborted: str = ""
    interrupted: bool = False
    #: Why each scan of a ``--every`` watch that could not run did not (the watch went on).
    failures: list[str] = field(default_factory=list)
    #: Why the last scan could not run, when the last one did not ("" when it ran).
    last_failure: str = ""

    @property
    def attempts(self) -> int:
        """Scans tried: those that ran and those that could not."""
        return len(self.scans) + len(self.failures)

    @property
    def exit_code(self) -> int:
        """The last scan's code; 3 when the anti-bot page stopped it, the last scan could not run, or none did."""
        if self.aborted or self.last_failure or not self.scans:
            return ExitCode.ABORTED
        return self.scans[-1].exit_code


def watch_dir(settings: Settings) -> Path:
    """Where scans leave their reports: ``STATE_DIR/watch``."""
    return settings.state_dir / "watch"


def run_scan(bench: Workbench, tabs: Sequence[str] = DEFAULT_TABS, now: datetime | None = None) -> ScanResult:
    """One read-only scan, recorded in the journal as a run of kind ``watch`` with its findings.

    Raises:
        AbortRun: the anti-bot page (the run is recorded as aborted).
    """
    settings, journal = bench.settings, bench.journal
    run = journal.start_run("watch", operator=operator_name(settings), base_url=settings.base_url,
                            source=",".join(tabs))
    started = time.monotonic()
    now = now or datetime.now(UTC)
    with logger.contextualize(run=run.id):
        try:
            data = scan_tabs(bench.portal, tabs, lambda row: needs_drawer(row, now, settings.stuck_days))
            history = journal.history()
            # A pending posting the tabs did not show (another status now): its drawer says if it has a number.
            read_drawers(bench.portal, [n for n in pending_postings(history) if n not in data.rows], data)
        except BaseException as err:
            journal.finish_run(run.id, "aborted", note=str(err).splitlines()[0] if str(err) else type(err).__name__)
            raise
    shown = {n: r.tracking_number for n, r in data.rows.items()}
    shown.update({n: d.tracking_number for n, d in data.drawers.items()})
    findings = portal_findings(data.rows, data.drawers, now, settings.stuck_days)
    findings += journal_findings(history, journal.notices(), shown)
    facts = ScanFacts(tuple(tabs), len(data.rows), len(data.drawers), time.monotonic() - started, settings.stuck_days)
    journal.add_findings(run.id, [f.model_dump(mode="json") for f in findings])
    flagged = len({f.posting_number for f in findings})
    journal.finish_run(run.id, "done", note=_("{flagged} flagged of {listed} listed; {drawers} drawers; {seconds} s",
                                             flagged=flagged, listed=facts.rows_seen, drawers=facts.drawers_read,
                                             seconds=round(facts.seconds, 1)))
    scan_dir = watch_dir(settings) / run.id
    report = write_watch_report(scan_dir, journal.run(run.id), findings, facts)
    logger.info(_("scan {run}: {flagged} postings flagged, {listed} listed, {drawers} drawers, {seconds}s", run=run.id,
                  flagged=flagged, listed=facts.rows_seen, drawers=facts.drawers_read,
                  seconds=f"{facts.seconds:.1f}"))
    return ScanResult(run.id, findings, facts, report, write_csv(scan_dir, findings))


def problem_of(err: BaseException) -> str:
    """The cause of a scan that could not run, as the alerts name it (``agent.watch.alerts.PROBLEMS``)."""
    if isinstance(err, AntiBotChallenge | PortalBlocked):
        return "antibot"
    if isinstance(err, UIDrift):
        return "drift"
    if isinstance(err, SessionExpired | SignInFailed):
        return "sign_in"
    if isinstance(err, ConfigError):
        return "setup"
    return "portal"


def keeps_watching(err: BaseException) -> bool:
    """Whether a ``--every`` watch goes on after a scan failed so: the portal or the browser failed, or the
    session lapsed with nobody to give a code (a person may sign in meanwhile). Not after the anti-bot page or UI
    drift (stopped, never retried into), nor a refused sign-in or bad settings (every retry would fail alike)."""
    return isinstance(err, PortalError | SessionExpired | PlaywrightError) and not isinstance(err, AbortRun)


def watch(settings: Settings, ask: Callable[[str], str] | None, *, every_s: float | None, max_scans: int | None,
          tabs: Sequence[str] = DEFAULT_TABS, on_scan: Callable[[ScanResult], None] | None = None,
          stop: threading.Event | None = None, alerts: WatchAlerts | None = None) -> WatchOutcome:
    """Scan once (``every_s`` None) or every ``every_s`` seconds until stopped, ``max_scans`` or the anti-bot page.

    Ctrl-C ends it cleanly: the outcome keeps the scans done so far (their code is the watch's code). With
    ``alerts``, each scan's news and each scan that could not run are alerted (:mod:`agent.watch.alerts`).

    Raises:
        AgentError: the scan of a one-off watch (or a failure a ``--every`` watch does not go on after, but the
            anti-bot page and UI drift) could not run.
    """
    outcome = WatchOutcome()
    stop = stop or threading.Event()
    try:
        while True:
            next_at = time.monotonic() + (every_s or 0)
            try:
                with workbench(settings, ask) as bench:
                    while True:
                        result = run_scan(bench, tabs)
                        outcome.scans.append(result)
                        outcome.last_failure = ""
                        if alerts is not None:
                            alerts.scanned(result.run_id, result.findings, result.report)
                        if on_scan is not None:
                            on_scan(result)
                        if every_s is None or (max_scans is not None and outcome.attempts >= max_scans):
                            return outcome
                        # Waiting on an event, not sleeping: a stop request ends the wait at once.
                        if stop.wait(max(0.0, next_at - time.monotonic())):
                            return outcome
                        next_at = time.monotonic() + every_s
            except (AgentError, PlaywrightError) as err:  # a browser error no scenario translated: the browser failed
                going_on = every_s is not None and keeps_watching(err)
                if alerts is not None:
                    alerts.could_not_scan(problem_of(err), str(err), continues=going_on)
                if not going_on:
                    raise
                why = str(err).splitlines()[0] if str(err) else type(err).__name__
                outcome.failures.append(why)
                outcome.last_failure = why
                logger.warning(_("the scan could not run: {why}; the watch tries again at its next scan", why=why))
                if (max_scans is not None and outcome.attempts >= max_scans) or \
                        stop.wait(max(0.0, next_at - time.monotonic())):
                    return outcome
    except AbortRun as err:
        outcome.aborted = str(err)
        return outcome
    except KeyboardInterrupt:
        outcome.interrupted = True
        logger.warning(ngettext("watch stopped by Ctrl-C after {n} scan", "watch stopped by Ctrl-C after {n} scans",
                                len(outcome.scans)))
        return outcome
