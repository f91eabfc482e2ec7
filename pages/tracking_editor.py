"""The tracking editor: whatever shows a text input for the number once the edit control was clicked.

A dialog of its own, a form in place inside the posting's details, or a page: which one is told by where the
input shows up (:data:`pages.regions.EDITOR_SHAPE`), never by a container's name or title. The number, the
delivery service, Save, Cancel and the portal's error message are all found within it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from pages.base import PageObject
from pages.finders import Control
from pages.layout import script
from pages.portal_names import CARRIER_NAMES, code_of
from pages.posting_details import PostingDetails
from pages.regions import EDITOR_SHAPE, SAVE_ERROR, TEXTS_SHOWN

#: The request the Save button sends. On the live portal this is a guess (the edit control is not public);
#: on the sandbox it is ``POST /api/postings/N/tracking``.
SAVE_REQUEST = re.compile(r"/tracking(\b|/|\?|$)")
#: Where the editor showed up: in place inside the details, a dialog of its own, or a page of its own.
Shape = Literal["in_place", "dialog", "page"]
SHAPES: tuple[Shape, ...] = ("in_place", "dialog", "page")
_EDITOR_SHAPE = script(EDITOR_SHAPE)
_TEXTS_SHOWN = script(TEXTS_SHOWN)
_SAVE_ERROR = script(SAVE_ERROR)


@dataclass(frozen=True)
class SaveAnswer:
    """How the portal answered a save: its HTTP status and the message it showed, if any."""

    status: int
    message: str = ""

    @property
    def ok(self) -> bool:
        """The portal accepted the save."""
        return 200 <= self.status < 300


class TrackingEditor(PageObject):
    """The number, the delivery service, Save and Cancel, in whatever the edit control opened.

    The delivery service is a native ``<select>`` or a custom dropdown (a button or combobox opening a listbox
    of options named by the services' visible names); either is chosen by the name a person reads.
    """

    def __init__(self, details: PostingDetails, timeout_ms: float | None = None) -> None:
        super().__init__(details.page, details.lang, timeout_ms if timeout_ms is not None else details.timeout_ms)
        self.details = details
        lb = self.labels
        self.number_control = Control(lb.tracking_input, ("textbox",))
        self.carrier_control = Control(lb.carrier_select, ("combobox", "button"))
        self.save_control = Control(lb.save)
        #: Where it showed up (:meth:`wait_open` finds out); until then, the place it usually is.
        self.shape: Shape = "dialog"
        self._build(self._root_of(self.shape))

    def _root_of(self, shape: Shape) -> Locator:
        page = self.page
        if shape == "in_place":
            return self.details.root
        if shape == "page":
            return page.locator("body")
        # The last shown dialog holding a text input: dialogs opened later come later in the page.
        return page.get_by_role("dialog").filter(has=page.get_by_role("textbox")).filter(visible=True).last

    def _build(self, root: Locator) -> None:
        self.root = root
        self._find = self.finder(root)
        self.number = self.control(self._find, self.number_control)
        self.carrier = self.control(self._find, self.carrier_control)
        self.save_button = self.control(self._find, self.save_control)
        self.cancel_button = self.control(self._find, Control(self.labels.cancel))

    def _shape_arg(self) -> dict[str, object]:
        return self.details.region_arg(before=self.details.inputs_before)

    def wait_shown(self) -> None:
        """Wait for a text input to show up where the edit control opened the editor, and find out where.

        Raises:
            UIDrift: nothing with a text input showed up (the edit control opens something else, or nothing).
        """
        try:
            shape = self.page.wait_for_function(_EDITOR_SHAPE, arg=self._shape_arg(),
                                                timeout=self.timeout_ms).json_value()
        except PlaywrightError as err:
            raise self._drift(self.labels.tracking_input, err) from err
        if shape != self.shape:
            self.shape = shape
            self._build(self._root_of(shape))

    def wait_open(self) -> None:
        """Wait for the editor (:meth:`wait_shown`) and its input for the number.

        Raises:
            UIDrift: no editor showed up, or it shows no input for the number.
        """
        self.wait_shown()
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
        """The delivery service the editor shows as chosen, as a code ("" when none or unknown)."""
        control = self.control(self._find, self.carrier_control)
        shown = control.evaluate(
            "el => el.tagName === 'SELECT' ? (el.selectedOptions[0] || {}).text || '' : el.innerText || el.value || ''")
        return code_of(CARRIER_NAMES, self.lang, str(shown))

    def save(self, timeout_ms: float) -> SaveAnswer:
        """Click Save and wait for the portal's answer (never a fixed delay).

        Returns the HTTP status of the save request and, on an error, the message the portal shows (an alert, or
        the text that appeared next to the number's input). A 401 means the session expired: the portal then
        goes to its sign-in page.
        """
        typed = self.number.input_value()
        before: list[str] = self.page.evaluate(_TEXTS_SHOWN)  # to tell its message from what showed already
        with self.page.expect_response(
            lambda r: r.request.method in ("POST", "PUT", "PATCH") and bool(SAVE_REQUEST.search(r.url)),
            timeout=timeout_ms,
        ) as answer:
            self._click_save(timeout_ms)
        status = answer.value.status
        if 200 <= status < 300:
            # The editor closes: its input goes (a dialog closing, a row back to its value, a page going back).
            self.number.wait_for(state="hidden", timeout=timeout_ms)
            return SaveAnswer(status)
        if status == 401:
            return SaveAnswer(status)
        try:
            message = str(self.page.wait_for_function(_SAVE_ERROR, arg={"before": before, "typed": typed},
                                                      timeout=timeout_ms).json_value())
        except PlaywrightError:
            message = ""
        return SaveAnswer(status, message)

    def _click_save(self, timeout_ms: float) -> None:
        """Click Save (it waits for the control to show, as a person does).

        Raises:
            UIDrift: the editor shows no Save (a click that timed out on a Save that does show is a portal error
                instead, and retried).
        """
        try:
            self.save_button.click(timeout=timeout_ms)
        except PlaywrightTimeoutError as err:
            if not self.save_button.is_visible():
                raise self._drift(self.labels.save, err) from err
            raise

    def cancel(self) -> None:
        """Close the editor without saving."""
        if self.number.is_visible():
            self.cancel_button.click()
            self.number.wait_for(state="hidden")

    def controls(self) -> dict[str, Locator]:
        """The editor's controls, for the drift check (the editor must be open)."""
        lb = self.labels
        return {lb.tracking_input: self.number, lb.carrier_select: self.carrier, lb.save: self.save_button,
                lb.cancel: self.cancel_button}
