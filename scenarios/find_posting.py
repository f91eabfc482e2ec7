"""Find a posting by number (its own URL), or by a buyer name or keyword (the list's search box)."""

from __future__ import annotations

from loguru import logger
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from agent.core.errors import AgentError, BusinessRuleError, PostingNotFound, SessionExpired
from agent.core.i18n import _
from agent.core.records import ChangeRequest, Lookup, PostingSnapshot
from pages.posting_details import PostingDetails
from pages.postings_list import PostingsListPage
from scenarios.fresh_answer import ask_again, best_question, holds, origin_of, questions_seen, tracking_fields
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


def open_posting(portal: Portal, posting_number: str) -> tuple[PostingDetails, PostingSnapshot]:
    """Open a posting's details by its ``?postingDetails=`` URL and read it.

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

    def loaded() -> PostingDetails:
        details = PostingDetails(portal.page, posting_number, portal.lang)  # in the language the page declared
        details.wait_loaded()
        return details

    with questions_seen(portal.page, posting_number, origin_of(settings.base_url)) as seen:
        details = portal.open_until(url, loaded)  # a session lapsing right after the page load: signed in again
    posting = details.read()
    portal.question = best_question(seen)  # what its app asked about it: the read-back can ask it again
    _learn_tracking_fields(portal, posting)
    return details, posting


def _learn_tracking_fields(portal: Portal, posting: PostingSnapshot) -> None:
    """Learn, once a run, which field of the portal's answers holds the number the details show.

    From the first posting opened with a number; its answer's body is read only then.
    """
    route, question = portal.read_back, portal.question
    if route.tracking_fields or not route.ask_again or question is None or question.response is None:
        return
    if not posting.tracking_number:
        return
    try:
        text = question.response.text()
    except (PlaywrightError, UnicodeDecodeError):
        return
    route.tracking_fields = tracking_fields(text, posting.posting_number, posting.tracking_number)
    if not route.tracking_fields:
        route.ask_again = False  # its answers do not show the number as the details do: not asked again this run
        logger.info(_("the portal's answer about a posting does not hold the number its drawer shows; reading "
                      "back by reopening it"))


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


def _asked_again(portal: Portal, details: PostingDetails, expect: str) -> tuple[PostingDetails, PostingSnapshot] | None:
    """The read-back by asking the portal the app's own question again (``fresh_answer``), when it settles it.

    Settled when the details show ``expect`` and so does the portal's fresh answer, in the field that held the
    number the details showed when a posting was opened: the details are then read as they are, without reopening them.
    A refusal (sign-in wanted, blocked, throttled) is read with a page load, which deals with it. Anything else
    (no question to ask, no answer, an answer that does not hold ``expect``) is left to the longer ways, which
    read what the portal shows.
    """
    question, route, number = portal.question, portal.read_back, details.posting_number
    if not route.ask_again or not route.tracking_fields or question is None or question.posting_number != number:
        return None
    try:
        posting = details.read()
    except (PlaywrightError, AgentError):
        return None  # the details are being redrawn, or went: the longer ways read it
    if posting.tracking_number != expect:
        return None  # the details show something else: the longer ways read what the portal shows
    answer = ask_again(portal.page, question, REOPEN_ANSWER_MS)
    if answer is None:
        return None
    if answer.status != 200:
        return open_posting(portal, number)  # a sign-in, a block: the page load shows and deals with it
    if not answer.from_portal:
        route.ask_again = False  # the page's own code answers it (a cache): not asked again this run
        logger.info(_("the page answers the question about a posting itself, not the portal; reading back by "
                      "reopening it"))
        return None
    held = holds(answer.text, number, expect, route.tracking_fields)
    if held is None:
        route.ask_again = False  # answers this agent cannot read: not asked again this run
        logger.info(_("the portal's answer about a posting is not JSON naming it exactly once; reading back by "
                      "reopening it"))
    return (details, posting) if held else None


def reread_posting(portal: Portal, details: PostingDetails, expect: str) -> tuple[PostingDetails, PostingSnapshot]:
    """Read a posting again from a fresh answer of the portal, inside the running app when it can.

    First by asking the portal again the question its app asked when the posting was opened
    (:func:`_asked_again`): nothing is rendered. When that does not settle it, as a person checks a change:
    close the details and open them again from the posting's row in the list behind it. That is a new fetch of the
    posting, not the save's echo, when (1) the app asked the portal about this posting after the click (a
    request naming it) and (2) that answer and the details agree on whether it holds ``expect`` (the number just
    saved). Otherwise (no row, no such request, an app that answers from its own memory, or details that
    disagree with the answer) the posting is read with a full page load, as :func:`open_posting` does; an app
    that answered from memory is read that way for the rest of the run.
    """
    number = details.posting_number
    asked = _asked_again(portal, details, expect)
    if asked is not None:
        return asked
    if not portal.read_back.in_app:
        return open_posting(portal, number)
    listing = PostingsListPage(portal.page, portal.lang)
    try:
        details.close()
        if not listing.shows_posting(number):
            return open_posting(portal, number)
        try:
            with portal.page.expect_response(lambda r: _names_posting(r, number), timeout=REOPEN_ANSWER_MS) as answer:
                listing.open_posting(number)
            fresh = answer.value
        except PlaywrightTimeoutError:
            portal.read_back.in_app = False  # nothing asked the portal: this app answers from memory
            return open_posting(portal, number)
        again = PostingDetails(portal.page, number, portal.lang)
        again.wait_loaded()
        posting = again.read()
        answered_expected = expect in fresh.text()
    except (PlaywrightError, SessionExpired):  # a lapsed session too: the page load signs in again
        return open_posting(portal, number)
    if answered_expected != (posting.tracking_number == expect):
        return open_posting(portal, number)  # the details may show a remembered state: read a fresh page
    return again, posting
