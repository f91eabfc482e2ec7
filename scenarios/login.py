"""Sign in like a person: phone or e-mail, a one-time code, and the return to where we were."""

from __future__ import annotations

from datetime import UTC, datetime

from loguru import logger
from playwright.sync_api import Page

from agent.core.browser.otp import CodeSource
from agent.core.errors import AgentError, ConfigError
from agent.core.i18n import _
from pages.company_choice import CompanyChoicePage, CompanyOption
from pages.login_page import LoginPage


class SignInFailed(AgentError):
    """The portal did not accept our sign-in (unknown account, wrong code)."""


class CompanyNotChosen(ConfigError):
    """The account has several companies and ``OZON_RPA_COMPANY`` names none of them (exit 2)."""


def sign_in(page: Page, login: str, code_source: CodeSource, lang: str = "ru", company: str = "") -> None:
    """Sign in on the sign-in page the browser is on; the portal then returns to the page we wanted.

    Args:
        page: the browser page showing the sign-in form.
        login: the phone number or e-mail.
        code_source: where the one-time code comes from.
        lang: the portal's language.
        company: the company to act for (name or id) when the portal asks; never guessed.

    Raises:
        SignInFailed: the account is unknown or the code was refused.
        CompanyNotChosen: the portal offers several companies and ``company`` names none of them.
    """
    form = LoginPage(page, lang)
    asked_at = datetime.now(UTC)
    form.request_code(login)
    if form.code.count() == 0:
        raise SignInFailed(_("sign-in refused: {why}", why=form.error_text() or _("no code step")))
    code = code_source(login, asked_at)
    form.enter_code(code)
    choice = CompanyChoicePage(page, lang)
    if choice.is_shown():
        choose_company(choice, company)
    if form.is_current():
        raise SignInFailed(_("sign-in refused: {why}", why=form.error_text() or _("still on the sign-in page")))
    logger.info(_("signed in as {login}", login=_mask_login(login)))


def choose_company(choice: CompanyChoicePage, wanted: str) -> None:
    """Pick the company named ``wanted`` (its name, case-insensitive, or its id); the only one when alone.

    Raises:
        CompanyNotChosen: several companies and none named, or a name or id that matches none (or several).
    """
    options = choice.options()
    key = wanted.strip().casefold()
    if key:
        matches = [i for i, o in enumerate(options) if key in (o.id.casefold(), o.name.casefold())]
    else:
        matches = [0] if len(options) == 1 else []
    if len(matches) != 1:
        raise CompanyNotChosen(_company_problem(options, wanted, len(matches)))
    logger.info("acting for the company {}", options[matches[0]])
    choice.choose(matches[0])


def _company_problem(options: list[CompanyOption], wanted: str, matched: int) -> str:
    listed = "; ".join(str(o) for o in options)
    if not wanted.strip():
        why = f"this account has {len(options)} companies and OZON_RPA_COMPANY is not set"
    elif matched:
        why = f"OZON_RPA_COMPANY={wanted!r} matches {matched} companies"
    else:
        why = f"OZON_RPA_COMPANY={wanted!r} matches none of this account's companies"
    return (f"{why}: {listed}. Set OZON_RPA_COMPANY to one of these names or ids "
            "(sign-in never picks a company for you).")


def _mask_login(login: str) -> str:
    """Enough of the login to recognise it in a log, not enough to use it."""
    if "@" in login:
        name, _at, domain = login.partition("@")
        return f"{name[:2]}…@{domain}"
    digits = "".join(c for c in login if c.isdigit())
    return f"…{digits[-4:]}" if digits else "…"
