"""Status scan, read-only: the rows of some list tabs, and the drawers of only the postings that need one.

Reading a row costs nothing (50 a page, one request); opening a drawer costs a request and a render. So the
caller decides from each row whether the drawer's facts (delivery scheme, ship-by, time in status) matter,
and the drawer is opened right there from the row, without loading the page again. Nothing is ever saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from loguru import logger
from playwright.sync_api import Error as PlaywrightError

from agent.core.errors import AbortRun, AgentError, PortalError, PostingNotFound
from agent.core.i18n import _
from agent.core.records import ListedPosting, PostingSnapshot
from pages.login_page import LoginPage
from pages.posting_details import PostingDetails
from pages.postings_list import PostingsListPage
from scenarios.find_posting import open_posting
from scenarios.portal import Portal

#: A list page is read again at most this many times when reading it failed (a session lapsing meanwhile).
PAGE_RETRIES = 1


@dataclass
class ScanData:
    """What a scan saw: list rows by posting number, the drawers it opened, and how much work it took."""

    rows: dict[str, ListedPosting] = field(default_factory=dict)
    drawers: dict[str, PostingSnapshot] = field(default_factory=dict)
    pages: int = 0


def scan_tabs(portal: Portal, tabs: Iterable[str], needs_drawer: Callable[[ListedPosting], bool]) -> ScanData:
    """Read every page of each tab, opening the drawer of each row for which ``needs_drawer`` says so.

    Raises:
        AntiBotChallenge: the portal showed its anti-bot page (never passed, the scan stops).
        PortalError: a page did not load, or kept failing after a new sign-in.
    """
    data = ScanData()
    settings = portal.settings
    for tab in tabs:
        page_no = 1
        while True:
            url = PostingsListPage.url(settings.base_url, settings.postings_path, tab=tab,
                                       page=str(page_no) if page_no > 1 else "")
            more = _read_page(portal, url, needs_drawer, data)
            data.pages += 1
            if not more:
                break
            page_no += 1
    return data


def _read_page(portal: Portal, url: str, needs_drawer: Callable[[ListedPosting], bool], data: ScanData) -> bool:
    """One list page and its drawers; True when there is a next page."""
    for attempt in range(PAGE_RETRIES + 1):
        portal.open(url)  # signs in again when the session lapsed
        listing = PostingsListPage(portal.page, portal.lang)
        try:
            listing.wait_loaded()
            for row in listing.listed_postings():
                data.rows[row.posting_number] = row
                if row.posting_number not in data.drawers and needs_drawer(row):
                    data.drawers[row.posting_number] = _drawer_from_row(portal, listing, row.posting_number)
            return listing.has_next_page()
        except AbortRun:
            raise
        except (AgentError, PlaywrightError) as err:
            # A scan only reads: a page that failed is opened once more. Most often the page's own API calls got
            # 401 and it went to sign-in, or was still on its way there when the read failed (the address not yet
            # changed): opening it again signs in.
            if attempt < PAGE_RETRIES:
                if LoginPage(portal.page, portal.lang).is_current():
                    logger.info(_("session lapsed during the scan; signing in again"))
                else:
                    logger.info(_("reading {url} failed: {why}", url=url, why=str(err).splitlines()[0]))
                continue
            if isinstance(err, PlaywrightError):
                raise PortalError(_("reading {url} failed: {why}", url=url, why=str(err).splitlines()[0])) from err
            raise
    return False


def _drawer_from_row(portal: Portal, listing: PostingsListPage, number: str) -> PostingSnapshot:
    listing.open_posting(number)
    drawer = PostingDetails(portal.page, number, portal.lang)
    drawer.wait_loaded()
    snapshot = drawer.read()
    drawer.close()
    return snapshot


def read_drawers(portal: Portal, numbers: Iterable[str], data: ScanData) -> None:
    """Open the drawers of postings the tabs did not show (by their own URL); unknown ones are skipped."""
    for number in numbers:
        if number in data.drawers:
            continue
        try:
            _drawer, data.drawers[number] = open_posting(portal, number)
        except PostingNotFound:
            logger.info(_("posting {posting} is not on the portal", posting=number))
