"""The buyer chat of a posting (the portal messenger)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pages.base import PageObject
from pages.finders import Control
from pages.layout import HELPERS, script

_MESSAGES_BODY = HELPERS + r"""
const starts = new RegExp('^(' + arg.authors.join('|') + ') · ');
const own = el => starts.test(norm(el.textContent)) && ![...el.children].some(c => starts.test(norm(c.textContent)));
// Each message starts with its author and time («Вы · 10.01.2026, 15:00»): the message is the box around it.
const messages = [...document.body.querySelectorAll('*')].filter(el => shown(el) && own(el))
  .map(meta => textOf(meta.parentElement));
"""
_MESSAGES = script(_MESSAGES_BODY + "return messages;")


class ChatPage(PageObject):
    """``/app/messenger/?posting=N``: the history, a text box and Send.

    The history is what a person reads as one: messages headed by their author and time («Вы · 10.01.2026,
    15:00»), or «Сообщений пока нет»; a ``role=log`` when the portal marks it so.
    """

    def __init__(self, page: Page, lang: str = "ru", timeout_ms: float | None = None) -> None:
        super().__init__(page, lang, timeout_ms)
        lb = self.labels
        self._find = self.finder()
        self._authors = [re.escape(lb.chat_author_seller), re.escape(lb.chat_author_buyer)]
        headed = page.get_by_text(re.compile("^(" + "|".join(self._authors) + ") · "))
        self.log = page.get_by_role("log").or_(page.get_by_text(lb.chat_empty, exact=True)).or_(headed).first
        self.text_control = Control(lb.chat_message, ("textbox",))
        self.text = self.control(self._find, self.text_control)
        self.send_button = self.control(self._find, Control(lb.chat_send))
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
            self.page.get_by_text(self.labels.loading, exact=True).wait_for(state="hidden", timeout=self.timeout_ms)
        except PlaywrightError as err:
            raise self._drift(self.labels.loading, err) from err

    def unavailable_reason(self) -> str:
        """Why the chat is closed, or an empty string when one can write."""
        if self.unavailable.count() and self.unavailable.is_visible():
            return self.unavailable.inner_text().strip()
        return "" if self.send_button.is_enabled() else self.labels.chat_send

    def message_texts(self) -> list[str]:
        """The messages shown, oldest first (each with its author and time line)."""
        return [str(t).strip() for t in self.page.evaluate(_MESSAGES, {"authors": self._authors})]

    def send(self, text: str) -> None:
        """Write and send a message; wait until the portal shows one message more (or says it was sent)."""
        before = len(self.message_texts())
        box = self.resolve(self._find, self.text_control)
        box.fill(text)
        self.send_button.click()
        more = script(_MESSAGES_BODY + f"return messages.length > {before};")
        try:
            self.page.wait_for_function(more, arg={"authors": self._authors}, timeout=self.timeout_ms)
        except PlaywrightError as err:
            raise self._drift(self.labels.chat_sent_toast, err) from err

    def controls(self) -> dict[str, Locator]:
        """The chat's controls, for the drift check."""
        lb = self.labels
        return {lb.chat_log: self.log, lb.chat_message: self.text, lb.chat_send: self.send_button}
