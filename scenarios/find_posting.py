"""Find a posting by number (its own URL), or by a buyer name or keyword (the list's search box)."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from agent.core.errors import BusinessRuleError, PostingNotFound, SessionExpired
from agent.core.i18n import _
from agent.core.records import ChangeRequest, Lookup, PostingSnapshot
from pages.posting_drawer import PostingDrawer
from pages.postings_list import PostingsListPage
from scenarios.portal import Portal

MAX_MATCHES_SHOWN = 5


class AmbiguousPosting(BusinessRuleError):
    """A buyer name or keyword matches more than one posting."""


def resolve_posting_number(portal: Portal, request: ChangeRequest) -> str:
    """The posting the request is about: its number, or the single posting its search finds.

    Raises:
        PostingNotFound: nothing matches.
        AmbiguousPosting: several postings match; the message lists them so the caller can pick one.
    """
    if request.lookup == Lookup.NUMBER:
        return request.posting_number
    path = portal.settings.postings_path
    portal.open(PostingsListPage.url(portal.settings.base_url, path, search=request.query))
    listing = PostingsListPage(portal.page, portal.lang)
    listing.wait_loaded()
    found = listing.posting_numbers()
    if not found:
        raise PostingNotFound(_("no posting matches {lookup} {query}", lookup=request.lookup.value,
                                     query=repr(request.query)))
    if len(found) > 1 or listing.has_next_page():
        shown = ", ".join(found[:MAX_MATCHES_SHOWN]) + (", ..." if len(found) > MAX_MATCHES_SHOWN else "")
        raise AmbiguousPosting(
            _("{n} postings match {lookup} {query}: {shown}; give the posting number",
              n=f"{len(found)}{'+' if listing.has_next_page() else ''}", lookup=request.lookup.value,
              query=repr(request.query), shown=shown)
        )
    return found[0]


def open_posting(portal: Portal, posting_number: str) -> tuple[PostingDrawer, PostingSnapshot]:
    """Open a posting's drawer by its ``?postingDetails=`` URL and read it.

    Always a page load: besides the posting, it shows whether the portal still serves us (the sign-in page,
    its anti-bot page), which requests made inside a running app do not.

    Raises:
        PostingNotFound: the portal has no such posting.
        SessionExpired: the portal wants a sign-in and no code source is configured.
    """
    settings = portal.settings
    # Filtering the list to the posting too spares the portal (and us) a 50-row page on every open.
    url = PostingsListPage.url(settings.base_url, settings.postings_path, postingNumber=posting_number,
                               postingDetails=posting_number)

    def loaded() -> PostingDrawer:
        drawer = PostingDrawer(portal.page, posting_number, portal.lang)  # in the language the page declared
        drawer.wait_loaded()
        return drawer

    drawer = portal.open_until(url, loaded)  # a session lapsing right after the page load: signed in again
    return drawer, drawer.read()


#: How long an in-app reopen waits for the portal's answer before reading the posting with a page load.
REOPEN_ANSWER_MS = 5_000


def _names_posting(response: Response, posting_number: str) -> bool:
    """Whether a response answers the app's own request about this posting (its URL or body names it)."""
    request = response.request
    if request.resource_type not in ("fetch", "xhr"):
        return False
    try:
        body = request.post_data or ""
    except (PlaywrightError, UnicodeDecodeError):
        body = ""
    return posting_number in response.url or posting_number in body


def reread_posting(portal: Portal, drawer: PostingDrawer, expect: str) -> tuple[PostingDrawer, PostingSnapshot]:
    """Read a posting again from a fresh answer of the portal, inside the running app when it can.

    As a person checks a change: close the drawer and open it again from the posting's row in the list behind
    it. That is a new fetch of the posting, not the save dialog's echo, when (1) the app asked the portal about
    this posting after the click (a request naming it) and (2) that answer and the drawer agree on whether it
    holds ``expect`` (the number just saved). Otherwise (no row, no such request, an app that answers from its
    own memory, or a drawer that disagrees with the answer) the posting is read with a full page load, as
    :func:`open_posting` does; an app that answered from memory is read that way for the rest of the run.
    """
    number = drawer.posting_number
    if not portal.read_back.in_app:
        return open_posting(portal, number)
    listing = PostingsListPage(portal.page, portal.lang)
    try:
        drawer.close()
        if not listing.shows_posting(number):
            return open_posting(portal, number)
        try:
            with portal.page.expect_response(lambda r: _names_posting(r, number), timeout=REOPEN_ANSWER_MS) as answer:
                listing.open_posting(number)
            fresh = answer.value
        except PlaywrightTimeoutError:
            portal.read_back.in_app = False  # nothing asked the portal: this app answers from memory
            return open_posting(portal, number)
        again = PostingDrawer(portal.page, number, portal.lang)
        again.wait_loaded()
        posting = again.read()
        answered_expected = expect in fresh.text()
    except (PlaywrightError, SessionExpired):  # a lapsed session too: the page load signs in again
        return open_posting(portal, number)
    if answered_expected != (posting.tracking_number == expect):
        return open_posting(portal, number)  # the drawer may show a remembered state: read a fresh page
    return again, posting
