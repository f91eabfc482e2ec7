"""What every page object shares: the page, its label table, and translating "not found" into UI drift."""

from __future__ import annotations

import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from agent.core.errors import AgentError, SessionExpired, UIDrift
from agent.core.i18n import _
from pages.finders import Control, Finder, Scope
from pages.labels import Labels
from pages.labels_in_use import label_table

#: The portal's sign-in pages (Ozon ID, and the sandbox's ``/signin``).
SIGN_IN_URL = re.compile(r"/signin|id\.ozon\.ru")


#: How long a control that did not show is given to turn out a lapsed session instead of drift: a single-page
#: app whose request was refused may still be on its way to the sign-in page when the wait for the control ends.
SIGN_IN_GRACE_MS = 1_500


def signed_out(page: Page) -> bool:
    """Whether the page is on the sign-in pages: the portal (or its app, after an API call was refused) sent us
    there to sign in again."""
    return bool(SIGN_IN_URL.search(page.url))


class PageObject:
    """Base of the page objects: takes the ``Page`` and the portal language (``ru``, ``en``, ``zh``).

    Page objects act and read; they never assert and never sleep. When a control is missing they raise
    :class:`~agent.core.errors.UIDrift` naming themselves, the label and the language.
    """

    def __init__(self, page: Page, lang: str = "ru", timeout_ms: float | None = None) -> None:
        self.page = page
        self.lang = lang
        self.labels: Labels = label_table(lang)  # with the portal profile's labels
        self.timeout_ms = timeout_ms
        self._known: dict[str, tuple[Finder, Control]] = {}

    #: A page object of the sign-in pages themselves: a control missing there is drift, never a lapsed session.
    on_sign_in_pages = False

    def _drift(self, label: str, err: Exception | None = None) -> AgentError:
        """What a control that did not show means: UI drift, unless the portal went to its sign-in page meanwhile.

        A single-page app whose API call is refused (the session lapsed) goes to sign-in on its own, after the
        page loaded: the control is missing because the page changed, and signing in again is the cure.
        """
        if not self.on_sign_in_pages and self._going_to_sign_in():
            return SessionExpired(_("the session expired; run 'ozon-rpa login' (or --interactive)"))
        detail = str(err).splitlines()[0] if err else ""
        return UIDrift(type(self).__name__, label, self.lang, detail)

    def _going_to_sign_in(self) -> bool:
        """Whether the page is on the sign-in pages, or gets there within :data:`SIGN_IN_GRACE_MS`."""
        if signed_out(self.page):
            return True
        try:
            self.page.wait_for_url(SIGN_IN_URL, wait_until="commit", timeout=SIGN_IN_GRACE_MS)
        except PlaywrightError:
            return False
        return True

    def _wait_visible(self, locator: Locator, label: str, timeout_ms: float | None = None) -> None:
        """Wait for a control; a time-out means the portal no longer shows it: UI drift."""
        try:
            locator.wait_for(state="visible", timeout=timeout_ms or self.timeout_ms)
        except PlaywrightError as err:
            raise self._drift(label, err) from err

    def finder(self, scope: Scope | None = None) -> Finder:
        """Finds this page object's controls (within ``scope``) and remembers how."""
        return Finder(type(self).__name__, self.page, scope)

    def control(self, finder: Finder, control: Control) -> Locator:
        """A control found by ``finder`` (remembered, so :meth:`how_found` can tell how)."""
        self._known[control.text] = (finder, control)
        return finder.locator(control)

    def how_found(self, label: str) -> str:
        """How a control is found now: ``role``, ``label``, ``placeholder``, ``text`` (or ``layout``)."""
        known = self._known.get(label)
        if known is None:
            return "layout"  # a dialog, table or field: by its visible words and where they stand
        return known[0].which(known[1]) or "not found"

    def resolve(self, finder: Finder, control: Control, timeout_ms: float | None = None) -> Locator:
        """A control once it shows; when it does not show in time, UI drift naming its visible text."""
        try:
            return finder.resolve(control, timeout_ms or self.timeout_ms)
        except PlaywrightError as err:
            raise self._drift(control.text, err) from err

    def controls(self) -> dict[str, Locator]:
        """The controls this page object needs, by label, for the read-only drift check."""
        return {}
