"""Sign in like a person: phone or e-mail, a one-time code, and the return to where we were."""

from __future__ import annotations

from datetime import UTC, datetime

from loguru import logger
from playwright.sync_api import Page

from agent.errors import AgentError
from agent.otp import CodeSource
from pages.login_page import LoginPage


class SignInFailed(AgentError):
    """The portal did not accept our sign-in (unknown account, wrong code)."""


def sign_in(page: Page, login: str, code_source: CodeSource, lang: str = "ru") -> None:
    """Sign in on the sign-in page the browser is on; the portal then returns to the page we wanted.

    Raises:
        SignInFailed: the account is unknown or the code was refused.
    """
    form = LoginPage(page, lang)
    asked_at = datetime.now(UTC)
    form.request_code(login)
    if form.code.count() == 0:
        raise SignInFailed(f"sign-in refused: {form.error_text() or 'no code step'}")
    code = code_source(login, asked_at)
    form.enter_code(code)
    if form.is_current():
        raise SignInFailed(f"sign-in refused: {form.error_text() or 'still on the sign-in page'}")
    logger.info("signed in as {}", _mask_login(login))


def _mask_login(login: str) -> str:
    """Enough of the login to recognise it in a log, not enough to use it."""
    if "@" in login:
        name, _, domain = login.partition("@")
        return f"{name[:2]}…@{domain}"
    digits = "".join(c for c in login if c.isdigit())
    return f"…{digits[-4:]}" if digits else "…"
