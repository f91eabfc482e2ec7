"""Ozon ID style sign-in: phone (or e-mail), then a one-time code."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from pages.base import PageObject, signed_out
from pages.finders import Control


class LoginPage(PageObject):
    """The sign-in form and its code step."""

    on_sign_in_pages = True

    def __init__(self, page: Page, lang: str = "ru", timeout_ms: float | None = None) -> None:
        super().__init__(page, lang, timeout_ms)
        lb = self.labels
        find = self.finder()
        self.phone = self.control(find, Control(lb.login_phone, ("textbox",)))
        self.use_email = self.control(find, Control(lb.login_use_email, ("button", "link")))
        self.email = self.control(find, Control(lb.login_email, ("textbox",)))
        self.get_code = self.control(find, Control(lb.login_get_code))
        self.code = self.control(find, Control(lb.login_code, ("textbox",)))
        self.submit = self.control(find, Control(lb.login_submit))
        self.new_code = self.control(find, Control(lb.login_new_code, ("button", "link")))
        self.error = page.get_by_role("alert").filter(has_text=re.compile(r"\S"))

    def is_current(self) -> bool:
        """Whether the browser is on the sign-in pages."""
        return signed_out(self.page)

    def request_code(self, login: str) -> None:
        """Give the phone number or e-mail and ask for a one-time code."""
        if "@" in login:
            self._wait_visible(self.use_email, self.labels.login_use_email)
            self.use_email.click()
            self._wait_visible(self.email, self.labels.login_email)
            self.email.fill(login)
        else:
            self._wait_visible(self.phone, self.labels.login_phone)
            self.phone.fill(login)
        self.get_code.click()
        self._wait_visible(self.code.or_(self.error), self.labels.login_code)

    def enter_code(self, code: str) -> None:
        """Type the one-time code and sign in; wait until the portal answers (a page or an error)."""
        self._wait_visible(self.code, self.labels.login_code)
        self.code.fill(code)
        with self.page.expect_navigation():
            self.submit.click()

    def error_text(self) -> str:
        """The sign-in error shown, or an empty string."""
        return self.error.first.inner_text().strip() if self.error.count() else ""

    def controls(self) -> dict[str, Locator]:
        """The identity step's controls."""
        return {self.labels.login_phone: self.phone, self.labels.login_get_code: self.get_code}
