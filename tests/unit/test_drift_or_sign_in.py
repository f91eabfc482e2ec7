"""A control that did not show because the app is on its way to sign in is a lapsed session, not UI drift.

A single-page app whose request was refused (the session lapsed) goes to the sign-in page by itself; the wait for
a control may end just before the address changes. Calling that drift would stop the run and send a person to
fix a label table that is right; a lapsed session is cured by signing in again. Real pages in Chromium, served
by a route.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route

from agent.core.errors import SessionExpired, UIDrift
from pages.posting_details import PostingDetails

PORTAL = "http://portal.test"


def serve(page: Page, delay_ms: int | None) -> None:
    """A postings page that shows no drawer; with ``delay_ms`` its app goes to sign in that long after loading."""
    script = f"<script>setTimeout(() => location.assign('/signin'), {delay_ms});</script>" if delay_ms else ""

    def fulfil(route: Route) -> None:
        body = "<h1>Вход</h1>" if "/signin" in route.request.url else f"<h1>Отправления</h1>{script}"
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)

    page.route(f"{PORTAL}/**", fulfil)
    page.goto(f"{PORTAL}/app/postings?postingDetails=1-1")


def test_a_drawer_missing_while_the_app_goes_to_sign_in_should_be_a_lapsed_session(page: Page) -> None:
    serve(page, delay_ms=400)  # after the drawer's wait (200 ms) has ended, within the grace

    with pytest.raises(SessionExpired):
        PostingDetails(page, "1-1", "ru", timeout_ms=200).wait_loaded()


def test_a_drawer_missing_on_a_page_that_stays_should_be_drift(page: Page) -> None:
    serve(page, delay_ms=None)

    with pytest.raises(UIDrift):
        PostingDetails(page, "1-1", "ru", timeout_ms=200).wait_loaded()
