"""The runner: a browser on the portal, signed in, for the commands that sit on top of the scenarios.

This module and the CLI are the top layer of ``agent/``: they call scenarios. Foundation modules
(settings, browser, journal, evidence, tracking rules, ...) never import from here.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from loguru import logger
from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError

from agent.core.browser.choice import choose_browser, launched_browser
from agent.core.browser.hosts import ensure_allowed
from agent.core.browser.otp import CodeSource, prompt_code_source, sandbox_code_source
from agent.core.browser.session import new_context, save_state
from agent.core.errors import BusinessRuleError
from agent.core.evidence.pictures import Evidence
from agent.core.i18n import _
from agent.core.journal.rows import RunRecord
from agent.core.journal.store import Journal
from agent.core.records import ChangeRequest, ChangeResult, Outcome
from agent.core.settings import Settings
from agent.rules import tracking
from pages.base import SIGN_IN_URL
from pages.postings_list import PostingsListPage
from scenarios.change_job import ChangeJob
from scenarios.change_tracking import change_tracking
from scenarios.find_posting import open_posting
from scenarios.notify_buyer import notify_buyer
from scenarios.portal import PERSON_TIMEOUT_MS, Portal


def code_source_for(settings: Settings, ask: Callable[[str], str] | None) -> CodeSource | None:
    """The configured one-time-code source (``None``: nobody can give a code, so an expiry fails)."""
    if settings.otp_source == "sandbox":
        return sandbox_code_source(settings)
    return prompt_code_source(ask) if ask is not None else None


def operator_name(settings: Settings) -> str:
    """Who runs the agent: ``OZON_RPA_OPERATOR`` or the OS user."""
    if settings.operator:
        return settings.operator
    try:
        return getpass.getuser()
    except OSError:
        return "unknown"


@dataclass
class Workbench:
    """A signed-in browser page on the portal, with the journal: what every command works with."""

    settings: Settings
    context: BrowserContext
    portal: Portal
    journal: Journal


@contextmanager
def workbench(settings: Settings, ask: Callable[[str], str] | None = None, *, sign_in: bool = True,
              fresh: bool = False) -> Iterator[Workbench]:
    """Launch the browser, open the portal, sign in when needed, and save the state on the way out."""
    ensure_allowed(settings)
    choice = choose_browser(settings)
    logger.debug("browser: {}", choice.describe())
    journal = Journal(settings.journal_path)
    try:
        with launched_browser(choice, headless=settings.headless, slow_mo_ms=settings.slow_mo_ms) as (_pw, browser):
            context = new_context(browser, settings, fresh=fresh)
            portal = Portal(context.new_page(), settings, code_source_for(settings, ask))
            try:
                if sign_in:
                    portal.open(PostingsListPage.url(settings.base_url, settings.postings_path))
                yield Workbench(settings, context, portal, journal)
            finally:
                with suppress(PlaywrightError):  # a dead browser has no state to keep
                    save_state(context, settings)  # even after an abort: the sign-in is still good
                    context.close()
    finally:
        journal.close()


def run_change(bench: Workbench, request: ChangeRequest, *, kind: str = "change") -> tuple[RunRecord, ChangeResult]:
    """One posting, end to end, in a run of its own."""
    settings = bench.settings
    run = bench.journal.start_run(kind, operator=operator_name(settings), base_url=settings.base_url,
                                  source=request.label)
    bench.journal.add_items(run.id, [request])
    evidence = Evidence(settings.runs_dir / run.id, screenshots=settings.screenshots)
    job = ChangeJob(bench.portal, bench.journal, evidence, run.id, 0)
    with logger.contextualize(run=run.id, posting=request.label):
        try:
            result = change_tracking(job, request)
        except BaseException:
            bench.journal.finish_run(run.id, "aborted")
            raise
    bench.journal.finish_run(run.id, "done")
    return bench.journal.run(run.id), result


def validate_request(request: ChangeRequest) -> tuple[ChangeRequest, list[str]]:
    """Normalize and check the new number before any browser work.

    Raises:
        InvalidTrackingNumber: empty, illegal characters, or a probable typo (unless ``force``).
    """
    if request.pending and not request.new_tracking:
        return request, []
    checked = tracking.check(request.new_tracking, carrier=request.carrier, force=request.force)
    return request.model_copy(update={"new_tracking": checked.number}), list(checked.warnings)


def reject_before_browser(settings: Settings, request: ChangeRequest, why: str) -> tuple[RunRecord, ChangeResult]:
    """Record a request our own rules refuse as ``rejected``, without opening the portal."""
    journal = Journal(settings.journal_path)
    try:
        run = journal.start_run("change", operator=operator_name(settings), base_url=settings.base_url,
                                source=request.label)
        journal.add_items(run.id, [request])
        result = ChangeResult(posting_number=request.posting_number, outcome=Outcome.REJECTED,
                              new_tracking=request.new_tracking, carrier=request.carrier, error=why)
        journal.finish_item(run.id, 0, result)
        journal.finish_run(run.id, "done")
        return journal.run(run.id), result
    finally:
        journal.close()


def run_notify(bench: Workbench, posting_number: str) -> str:
    """(Re)send the notice of a posting's last change (or its delay) and record it."""
    last = next((i for i in bench.journal.history(posting_number)
                 if i.outcome in (Outcome.CHANGED, Outcome.UNCHANGED, Outcome.PENDING)), None)
    if last is None:
        raise BusinessRuleError(_("the journal has no change of {posting} to tell the buyer about",
                                  posting=posting_number))
    run = bench.journal.start_run("notify", operator=operator_name(bench.settings), base_url=bench.settings.base_url,
                                  source=posting_number)
    _page, posting = open_posting(bench.portal, posting_number)
    notified = notify_buyer(
        bench.portal, bench.journal, run.id, posting_number=posting_number,
        kind="delayed" if last.outcome == Outcome.PENDING else "changed",
        tracking_number=last.new_tracking, carrier=last.carrier or posting.carrier,
        chat_available=posting.chat_available, unavailable_reason=posting.chat_unavailable_reason,
    )
    bench.journal.finish_run(run.id, "done")
    return notified


def interactive_login(settings: Settings) -> None:
    """Open a browser window on the portal and wait for a person to sign in (SMS code, captcha); save it."""
    ensure_allowed(settings)
    choice = choose_browser(settings.model_copy(update={"headless": False}))  # a window: never the headless shell
    with launched_browser(choice, headless=False) as (_pw, browser):
        context = new_context(browser, settings)
        page = context.new_page()
        page.goto(PostingsListPage.url(settings.base_url, settings.postings_path))
        logger.info(_("finish signing in in the browser window (code, captcha); waiting up to 15 minutes"))
        page.wait_for_url(lambda url: not SIGN_IN_URL.search(url) and url.startswith(settings.base_url),
                          timeout=PERSON_TIMEOUT_MS)
        Portal(page, settings, None).check_challenge()  # headed: waits while a person clears it
        page.wait_for_load_state()
        save_state(context, settings)
        context.close()
