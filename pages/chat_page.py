"""The buyer chat of a posting (the portal messenger)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pages.base import PageObject
from pages.finders import Control


class ChatPage(PageObject):
    """``/app/messenger/?posting=N``: the history (``role=log``), a text box and Send."""

    def __init__(self, page: Page, lang: str = "ru", timeout_ms: float | None = None) -> None:
        super().__init__(page, lang, timeout_ms)
        lb = self.labels
        self._find = self.finder()
        self.log = page.get_by_role("log").first
        # Each message is one box of the history; the empty-history line and the loading text are not.
        self.messages = self.log.locator(":scope > *").filter(
            has_not_text=re.compile(f"^({re.escape(lb.chat_empty)}|{re.escape(lb.loading)})$"))
        self.text_control = Control(lb.chat_message, ("textbox",))
        self.text = self._find.locator(self.text_control)
        self.send_button = self._find.locator(Control(lb.chat_send))
        reasons = (lb.chat_no_subscription, lb.chat_window_closed, lb.chat_cancelled)
        self.unavailable = page.get_by_text(re.compile("^(" + "|".join(re.escape(r) for r in reasons) + ")$")).or_(
            page.get_by_role("note")).first
        self.sent_toast = page.get_by_role("status").or_(page.get_by_role("alert")).filter(has_text=lb.chat_sent_toast)

    @staticmethod
    def url(base_url: str, posting_number: str) -> str:
        """The messenger URL of a posting."""
        return f"{base_url}/app/messenger/?{urlencode({'posting': posting_number})}"

    def wait_loaded(self) -> None:
        """Wait until the chat shows its history (or why it is closed), by content: the loading text gone."""
        # A closed chat shows both the (disabled) Send button and the reason: either will do.
        self._wait_visible(self.send_button.or_(self.unavailable).first, self.labels.chat_send)
        self._wait_visible(self.log, self.labels.chat_log)
        try:
            self.log.get_by_text(self.labels.loading, exact=True).wait_for(state="hidden", timeout=self.timeout_ms)
        except PlaywrightError as err:
            raise self._drift(self.labels.loading, err) from err

    def unavailable_reason(self) -> str:
        """Why the chat is closed, or an empty string when one can write."""
        if self.unavailable.count() and self.unavailable.is_visible():
            return self.unavailable.inner_text().strip()
        return "" if self.send_button.is_enabled() else self.labels.chat_send

    def message_texts(self) -> list[str]:
        """The messages shown, oldest first."""
        return [t.strip() for t in self.messages.all_inner_texts()]

    def send(self, text: str) -> None:
        """Write and send a message; wait until the portal says it was sent (or shows the new message)."""
        before = self.messages.count()
        box = self.resolve(self._find, self.text_control)
        box.fill(text)
        self.send_button.click()
        self._wait_visible(self.sent_toast.or_(self.messages.nth(before)).first, self.labels.chat_sent_toast)

    def controls(self) -> dict[str, Locator]:
        """The chat's controls, for the drift check."""
        lb = self.labels
        return {lb.chat_log: self.log, lb.chat_message: self.text, lb.chat_send: self.send_button}
