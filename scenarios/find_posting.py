"""Find a posting by number (its own URL), or by a buyer name or keyword (the list's search box)."""

from __future__ import annotations

from agent.core.errors import BusinessRuleError, PostingNotFound
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

    Raises:
        PostingNotFound: the portal has no such posting.
    """
    settings = portal.settings
    # Filtering the list to the posting too spares the portal (and us) a 50-row page on every open.
    portal.open(PostingsListPage.url(settings.base_url, settings.postings_path, postingNumber=posting_number,
                                     postingDetails=posting_number))
    drawer = PostingDrawer(portal.page, posting_number, portal.lang)
    drawer.wait_loaded()
    return drawer, drawer.read()
