"""The dialog that sets or changes a posting's tracking number and delivery service."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from pages.base import PageObject
from pages.finders import Control
from pages.portal_names import CARRIER_NAMES, code_of

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
    """The dialog holding the title «Трек-номер отправления»: the number, the delivery service, Save and Cancel.

    The delivery service is a native ``<select>`` or a custom dropdown (a button or combobox opening a listbox
    of options named by the services' visible names); either is chosen by the name a person reads.
    """

    def __init__(self, page: Page, lang: str = "ru", timeout_ms: float | None = None) -> None:
        super().__init__(page, lang, timeout_ms)
        lb = self.labels
        self.root = page.get_by_role("dialog").filter(has=page.get_by_text(lb.tracking_dialog, exact=True)).last
        self._find = self.finder(self.root)
        self.number_control = Control(lb.tracking_input, ("textbox",))
        self.carrier_control = Control(lb.carrier_select, ("combobox", "button"))
        self.number = self.control(self._find, self.number_control)
        self.carrier = self.control(self._find, self.carrier_control)
        self.save_button = self.control(self._find, Control(lb.save))
        self.cancel_button = self.control(self._find, Control(lb.cancel))
        # The dialog's own message, else the page's (a UI kit may show errors as a toast).
        self.error = self.root.get_by_role("alert").or_(page.get_by_role("alert")).filter(has_text=re.compile(r"\S"))

    def wait_open(self) -> None:
        """Wait for the dialog and its input."""
        self.number = self.resolve(self._find, self.number_control)

    def fill(self, tracking_number: str, carrier: str | None = None) -> None:
        """Type the new number and, when given, choose the delivery service by its code (its shown name)."""
        self.wait_open()
        self.number.fill(tracking_number)
        if carrier:
            self.choose_carrier(carrier)

    def choose_carrier(self, carrier: str) -> None:
        """Choose the delivery service whose visible name the label table gives for ``carrier``.

        Raises:
            UIDrift: no service control, or it offers no option of that name.
        """
        name = CARRIER_NAMES[self.lang].get(carrier, carrier)
        label = f"{self.labels.carrier_select} = {name}"
        control = self.resolve(self._find, self.carrier_control)
        try:
            if control.evaluate("el => el.tagName") == "SELECT":
                control.select_option(label=name, timeout=self.timeout_ms)
                return
            control.click()
            option = self.page.get_by_role("option", name=name, exact=True)
            option.click(timeout=self.timeout_ms)
        except PlaywrightError as err:
            raise self._drift(label, err) from err

    def carrier_code(self) -> str:
        """The delivery service the dialog shows as chosen, as a code ("" when none or unknown)."""
        control = self.control(self._find, self.carrier_control)
        shown = control.evaluate(
            "el => el.tagName === 'SELECT' ? (el.selectedOptions[0] || {}).text || '' : el.innerText || el.value || ''")
        return code_of(CARRIER_NAMES, self.lang, str(shown))

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
            self.error.first.wait_for(state="visible", timeout=timeout_ms)
            message = self.error.first.inner_text().strip()
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
