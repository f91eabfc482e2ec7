"""The buyer chat of a posting (the portal messenger)."""

from __future__ import annotations

from urllib.parse import urlencode

from playwright.sync_api import Locator, Page

from pages.base import PageObject


class ChatPage(PageObject):
    """``/app/messenger/?posting=N``: the history, a text box and Send."""

    def __init__(self, page: Page, lang: str = "ru", timeout_ms: float | None = None) -> None:
        super().__init__(page, lang, timeout_ms)
        lb = self.labels
        self.log = page.get_by_role("log", name=lb.chat_log, exact=True)
        self.messages = self.log.get_by_test_id("chat-message")
        self.text = page.get_by_label(lb.chat_message, exact=True)
        self.send_button = page.get_by_role("button", name=lb.chat_send, exact=True)
        self.unavailable = page.get_by_test_id("chat-unavailable-reason")
        self.sent_toast = page.get_by_role("status").filter(has_text=lb.chat_sent_toast)

    @staticmethod
    def url(base_url: str, posting_number: str) -> str:
        """The messenger URL of a posting."""
        return f"{base_url}/app/messenger/?{urlencode({'posting': posting_number})}"

    def wait_loaded(self) -> None:
        """Wait until the chat shows its history (or why it is closed)."""
        # A closed chat shows both the (disabled) Send button and the reason: either will do.
        self._wait_visible(self.send_button.or_(self.unavailable).first, self.labels.chat_send)
        self._wait_visible(self.log, self.labels.chat_log)

    def unavailable_reason(self) -> str:
        """Why the chat is closed, or an empty string when one can write."""
        if self.unavailable.count() and self.unavailable.is_visible():
            return self.unavailable.inner_text().strip()
        return "" if self.send_button.is_enabled() else self.labels.chat_send

    def message_texts(self) -> list[str]:
        """The messages shown, oldest first."""
        return [t.strip() for t in self.messages.all_inner_texts()]

    def send(self, text: str) -> None:
        """Write and send a message; wait until the portal shows it as sent."""
        before = self.messages.count()
        self.text.fill(text)
        self.send_button.click()
        self._wait_visible(self.messages.nth(before), self.labels.chat_sent_toast)

    def controls(self) -> dict[str, Locator]:
        """The chat's controls, for the drift check."""
        lb = self.labels
        return {lb.chat_log: self.log, lb.chat_message: self.text, lb.chat_send: self.send_button}
