"""The agent's hands on the portal: navigation that notices sign-in pages, anti-bot pages and foreign hosts.

Every scenario opens pages through :class:`Portal`, so that an expired session leads to a new sign-in and
the anti-bot page stops the run (headless) or waits for a person (headed) wherever it shows up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TypeVar

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from agent.core.browser.hosts import host_allowed
from agent.core.browser.otp import CodeSource
from agent.core.errors import AntiBotChallenge, ConfigError, PortalBlocked, PortalError, SessionExpired
from agent.core.i18n import _
from agent.core.settings import Settings
from pages.challenge import page_facts, wait_until_cleared
from pages.login_page import LoginPage
from scenarios.fresh_answer import FieldPath, PostingQuestion
from scenarios.login import sign_in

T = TypeVar("T")

#: Page-load statuses that mean the portal will not serve us now.
BLOCKED_STATUSES = {403: "blocked", 429: "throttled"}
#: How long a headed run waits for a person to clear the anti-bot page.
PERSON_TIMEOUT_MS = 15 * 60 * 1000
#: One sign-in at a time across worker threads: each asks for a code, and codes must not cross.
_SIGN_IN_LOCK = threading.Lock()


@dataclass
class ReadBackRoute:
    """How a posting is read again after a save (see ``find_posting.reread_posting``), for every page sharing it.

    Inside the running app until the app shows a posting without asking the portal; from then on, for good, with
    a page load. Shared by a bulk run's workers: what one learns, none waits to find out again.
    """

    in_app: bool = True
    #: Asking the portal again the question its app asked about the posting, until its answers prove unreadable ...
    ask_again: bool = True
    #: ... and where in them the tracking number is (learned from the first posting opened with one).
    tracking_fields: tuple[FieldPath, ...] = ()


class Portal:
    """One browser page on the seller portal, with the settings and the sign-in code source."""

    def __init__(self, page: Page, settings: Settings, code_source: CodeSource | None) -> None:
        self.page = page
        self.settings = settings
        self.code_source = code_source
        self.lang: str = settings.lang
        self.logins = 0
        #: Held while signing in (codes must not cross); a bulk pool gives its workers a cooperative one.
        self.sign_in_lock: AbstractContextManager[Any] = _SIGN_IN_LOCK
        #: How a retry's back-off waits; a bulk pool pauses only the worker that waits.
        self.pause: Callable[[float], None] = time.sleep
        #: How postings are read back after a save; a bulk pool gives its workers one to share.
        self.read_back = ReadBackRoute()
        #: The app's question about the posting opened last (``fresh_answer``), asked again by the read-back.
        self.question: PostingQuestion | None = None

    def url(self, path: str) -> str:
        """An absolute URL on the portal."""
        return f"{self.settings.base_url}{path}"

    def open(self, url: str) -> None:
        """Go to ``url``; sign in again when the portal asks, and stop on its anti-bot page.

        Raises:
            AntiBotChallenge: the challenge page is shown (headless), or a person did not clear it in time.
            PortalBlocked: the portal answered the page load with 403 or 429.
            SessionExpired: the portal wants a sign-in and no code source is configured.
            ConfigError: the portal sent us to a host that is not allowed.
            PortalError: the page did not load.
        """
        self._open(url)

    def open_until(self, url: str, ready: Callable[[], T]) -> T:
        """:meth:`open` ``url``, then ``ready()`` (a page object made and waited for); returns what it returns.

        When ``ready`` raises :class:`SessionExpired` (the page loaded, then its app's own request was refused
        and it went to sign in by itself: the session lapsed just then), the page is opened once more, which
        signs in again, and ``ready`` called again. Raises what :meth:`open` and ``ready`` raise.
        """
        self._open(url)
        try:
            return ready()
        except SessionExpired:
            self._open(url)
            return ready()

    def _open(self, url: str) -> None:
        self._goto(url)
        if LoginPage(self.page, self.lang).is_current():
            self.sign_in()
            if self.page.url != url:  # the portal usually returns us there itself
                self._goto(url)

    def _goto(self, url: str) -> None:
        if not host_allowed(url, self.settings.allowed_hosts):
            raise ConfigError(_("refusing to open {url}: host not allowed", url=url))
        try:
            response = self.page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as err:
            raise PortalError(_("cannot open {url}: {why}", url=url, why=str(err).splitlines()[0])) from err
        if not host_allowed(self.page.url, self.settings.allowed_hosts):
            raise ConfigError(_("the portal redirected to {url}, which is not an allowed host", url=self.page.url))
        cleared = self.check_challenge()  # the challenge page itself comes with a 403; a person cleared it (headed)
        status = response.status if response is not None else 0
        if status in BLOCKED_STATUSES and not cleared:
            # Blocked or throttled: every further request makes it worse, so stop the run (resumable), never retry.
            raise PortalBlocked(
                f"the portal answered HTTP {status} ({BLOCKED_STATUSES[status]}) to {url}. The run stopped and can "
                "be resumed later; do not retry at once (wait, or run 'ozon-rpa login --interactive')."
            )

    def check_challenge(self) -> bool:
        """Stop (headless) or wait for a person (headed) when the anti-bot page is shown. Never pass it.

        Also notes the page's language: one round trip for both, after every navigation.

        Returns:
            Whether the page was the challenge and a person cleared it.
        """
        facts = page_facts(self.page, self.settings.lang)
        self.lang = facts.lang
        if not facts.challenge:
            return False
        if self.settings.headless:
            raise AntiBotChallenge(
                _("the portal shows its anti-bot check («Доступ ограничен»). The run stopped and can be resumed; "
                  "run 'ozon-rpa login --interactive' so a person can clear it, then resume.")
            )
        try:
            wait_until_cleared(self.page, PERSON_TIMEOUT_MS)
            self.lang = page_facts(self.page, self.settings.lang).lang
        except PlaywrightError as err:
            raise AntiBotChallenge(_("nobody cleared the anti-bot check in time; the run can be resumed")) from err
        return True

    def sign_in(self) -> None:
        """Sign in on the portal's sign-in page (we are on it)."""
        if self.code_source is None:
            raise SessionExpired(_("the session expired; run 'ozon-rpa login' (or --interactive)"))
        self.lang = page_facts(self.page, self.settings.lang).lang
        with self.sign_in_lock:
            sign_in(self.page, self.settings.login, self.code_source, self.lang, self.settings.company)
        self.logins += 1
        self.check_challenge()
