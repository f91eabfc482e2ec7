"""Signing in through ``LoginPage``: phone, then the one-time code (read from the sandbox's outbox)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import Page

from agent.core.browser.otp import sandbox_code_source
from agent.core.settings import Settings
from pages.login_page import LoginPage
from pages.postings_list import PostingsListPage
from tests.conftest import Oracle
from tests.flow.conftest import SELLER_LOGIN, Target, add_lang_cookie

pytestmark = [pytest.mark.flow, pytest.mark.e2e, pytest.mark.every_skin]


@pytest.fixture
def signed_out_page(new_context: Any, target: Target, oracle: Oracle | None) -> Page:
    """A browser with no session, on the sign-in page the list sends it to."""
    if not target.loopback:
        pytest.skip("the one-time code comes from the sandbox outbox: signing in is checked on a loopback sandbox")
    context = new_context()
    add_lang_cookie(context, target)
    page: Page = context.new_page()
    page.goto(PostingsListPage.url(target.base_url, Settings(_env_file=None).postings_path))
    return page


def test_login_should_sign_in_with_the_code_sent_to_the_phone(
    signed_out_page: Page, target: Target, flow_settings: Settings
) -> None:
    form = LoginPage(signed_out_page, target.lang)
    assert form.is_current()
    asked = datetime.now(UTC)

    form.request_code(SELLER_LOGIN)
    form.enter_code(sandbox_code_source(flow_settings)(SELLER_LOGIN, asked))

    assert not form.is_current()
    listing = PostingsListPage(signed_out_page, target.lang)
    listing.wait_loaded()
    assert listing.posting_numbers()


def test_login_should_refuse_a_wrong_code(signed_out_page: Page, target: Target, flow_settings: Settings) -> None:
    form = LoginPage(signed_out_page, target.lang)
    form.request_code(SELLER_LOGIN)
    code = sandbox_code_source(flow_settings)(SELLER_LOGIN, datetime.now(UTC))

    form.enter_code(f"{(int(code) + 1) % 1_000_000:06d}")

    assert form.is_current()
    assert form.error_text() == form.labels.login_wrong_code
