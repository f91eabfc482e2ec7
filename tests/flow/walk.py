"""Ways through the portal the flow tests share, made only of page-object verbs (so they work on any stand)."""

from __future__ import annotations

from pages.posting_details import PostingDetails
from pages.postings_list import PostingsListPage
from scenarios.portal import Portal

#: How many rows of a tab are tried when looking for a posting of a kind.
ROWS_TRIED = 10


def open_list(portal: Portal, **query: str) -> PostingsListPage:
    """The orders list (``tab=...``, ``search=...``), loaded."""
    settings = portal.settings
    portal.open(PostingsListPage.url(settings.base_url, settings.postings_path, **query))
    listing = PostingsListPage(portal.page, portal.lang)
    listing.wait_loaded()
    return listing


def open_drawer(portal: Portal, number: str) -> PostingDetails:
    """A posting's drawer, opened by its URL (``?postingDetails=N``), loaded."""
    settings = portal.settings
    portal.open(PostingsListPage.url(settings.base_url, settings.postings_path, postingDetails=number))
    return loaded_drawer(portal, number)


def loaded_drawer(portal: Portal, number: str) -> PostingDetails:
    """The drawer of a posting being opened (by a click on its row), once loaded."""
    drawer = PostingDetails(portal.page, number, portal.lang)
    drawer.wait_loaded()
    return drawer


def find_posting(portal: Portal, tabs: tuple[str, ...], *, editable: bool) -> str:
    """The first posting of these tabs whose drawer offers (or refuses) the tracking-number edit."""
    for tab in tabs:
        numbers = open_list(portal, tab=tab).posting_numbers()[:ROWS_TRIED]
        for number in numbers:
            if (open_drawer(portal, number).edit_button.count() > 0) == editable:
                return number
    kind = "an editable" if editable else "a non-editable"
    raise LookupError(f"no {kind} posting in the first {ROWS_TRIED} rows of the tabs {', '.join(tabs)}")


def shown_in_results(listing: PostingsListPage, number: str, max_pages: int = 5) -> bool:
    """Whether the search results show the posting, turning pages as a person would."""
    for _ in range(max_pages):
        if number in listing.posting_numbers():
            return True
        if not listing.has_next_page():
            return False
        listing.go_next_page()
    return False
