"""The dialog that sets or changes a posting's tracking number and delivery service."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pages.base import PageObject

#: The request the Save button sends. On the live portal this is a guess (the edit control is not public);
#: on the sandbox it is ``POST /api/postings/N/tracking``.
SAVE_REQUEST = re.compile(r"/tracking(\b|/|\?|$)")


@dataclass(frozen=True)
class SaveAnswer:
    """How the portal answered a save: its HTTP status and the message it showed, if any."""

    status: int
    message: str = ""

    @property
    def ok(self) -> bool:
        """The portal accepted the save."""
        return 200 <= self.status < 300


class TrackingDialog(PageObject):
    """``role=dialog`` with the tracking-number input, the delivery-service select, Save and Cancel."""

    def __init__(self, page: Page, lang: str = "ru", timeout_ms: float | None = None) -> None:
        super().__init__(page, lang, timeout_ms)
        lb = self.labels
        self.root = page.get_by_role("dialog", name=lb.tracking_dialog, exact=True)
        self.number = self.root.get_by_label(lb.tracking_input, exact=True)
        self.carrier = self.root.get_by_label(lb.carrier_select, exact=True)
        self.save_button = self.root.get_by_role("button", name=lb.save, exact=True)
        self.cancel_button = self.root.get_by_role("button", name=lb.cancel, exact=True)
        self.error = self.root.get_by_role("alert")

    def wait_open(self) -> None:
        """Wait for the dialog and its input."""
        self._wait_visible(self.number, self.labels.tracking_input)

    def fill(self, tracking_number: str, carrier: str | None = None) -> None:
        """Type the new number and, when given, choose the delivery service by its code."""
        self.wait_open()
        self.number.fill(tracking_number)
        if carrier:
            try:
                self.carrier.select_option(value=carrier, timeout=self.timeout_ms)
            except PlaywrightError as err:
                raise self._drift(f"{self.labels.carrier_select} = {carrier}", err) from err

    def save(self, timeout_ms: float) -> SaveAnswer:
        """Click Save and wait for the portal's answer (never a fixed delay).

        Returns the HTTP status of the save request and, on an error, the message the dialog shows.
        A 401 means the session expired: the portal then goes to its sign-in page.
        """
        with self.page.expect_response(
            lambda r: r.request.method in ("POST", "PUT", "PATCH") and bool(SAVE_REQUEST.search(r.url)),
            timeout=timeout_ms,
        ) as answer:
            self.save_button.click()
        status = answer.value.status
        if 200 <= status < 300:
            self.root.wait_for(state="hidden", timeout=timeout_ms)
            return SaveAnswer(status)
        if status == 401:
            return SaveAnswer(status)
        try:
            self.error.wait_for(state="visible", timeout=timeout_ms)
            message = self.error.inner_text().strip()
        except PlaywrightError:
            message = ""
        return SaveAnswer(status, message)

    def cancel(self) -> None:
        """Close the dialog without saving."""
        if self.root.is_visible():
            self.cancel_button.click()
            self.root.wait_for(state="hidden")

    def controls(self) -> dict[str, Locator]:
        """The dialog's controls, for the drift check (the dialog must be open)."""
        lb = self.labels
        return {lb.tracking_dialog: self.root, lb.tracking_input: self.number, lb.carrier_select: self.carrier,
                lb.save: self.save_button, lb.cancel: self.cancel_button}
