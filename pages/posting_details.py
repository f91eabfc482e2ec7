"""A posting's details: every field, the edit control, the chat action, why-not-editable.

Found as a person finds it, whatever holds them (a drawer, a modal, a page section, a page of its own): the
region showing the title «Отправление N» together with its labelled fields (:mod:`pages.regions`); each value is
the text beside or below its label; statuses, carriers and schemes are read as shown and mapped through the
label table.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from agent.core.errors import PortalError, PostingNotFound
from agent.core.i18n import _
from agent.core.records import PostingSnapshot
from pages.base import SIGN_IN_URL, PageObject
from pages.dates import parse_shown_date
from pages.finders import Control
from pages.labels import Labels
from pages.layout import script
from pages.portal_names import CARRIER_NAMES, NO_CARRIER, SCHEME_NAMES, STATUS_NAMES, code_of
from pages.regions import DETAILS_DECIDED, DETAILS_FACTS, DETAILS_STATE, INPUT_PLACES, details_arg, more_fields

_DETAILS_FACTS = script(DETAILS_FACTS)
_DETAILS_DECIDED = script(DETAILS_DECIDED)
_DETAILS_STATE = script(DETAILS_STATE)
_INPUT_PLACES = script(INPUT_PLACES)
#: How long details with neither the edit control nor a reason get to show one before it counts as drift.
DECIDE_TIMEOUT_MS = 5_000
#: What our rules know without the portal saying it: the seller sets no number in these schemes ...
NOT_SELLER_SCHEMES = frozenset({"ozon", "aggregator", "hybryd"})
#: ... nor in these statuses.
FINAL_STATUSES = frozenset({"delivered", "cancelled"})


def _moment(shown: str) -> str:
    """An ISO moment from a date as shown, or "" when the text holds none."""
    moment = parse_shown_date(shown)
    return moment.isoformat() if moment else ""


def reason_patterns(lb: Labels) -> list[str]:
    """The portal's not-editable reasons as regular expressions (the status name is any text)."""
    return [re.escape(text).replace(re.escape("{}"), ".+")
            for text in (lb.reason_ozon_assigns, lb.reason_carrier_assigns, lb.reason_status)]


def _rule_reason(status: str, status_text: str, scheme: str, scheme_text: str) -> str:
    """Why our rules say the number cannot be set here, or "" when they do not."""
    if scheme in NOT_SELLER_SCHEMES:
        return f"the delivery scheme «{scheme_text}» gets its number from the carrier"
    if status in FINAL_STATUSES:
        return f"the status «{status_text}» is final"
    return ""


class PostingDetails(PageObject):
    """The details of one posting (``?postingDetails=N`` opens them), in whatever holds them."""

    def __init__(self, page: Page, posting_number: str, lang: str = "ru", timeout_ms: float | None = None) -> None:
        super().__init__(page, lang, timeout_ms)
        lb = self.labels
        self.posting_number = posting_number
        self.title = lb.drawer_name.format(posting_number)
        text = lambda words: page.get_by_text(words, exact=True)  # noqa: E731
        more_labels = more_fields(lb)
        more = text(more_labels[0])
        for label in more_labels[1:]:
            more = more.or_(text(label))
        # The smallest element holding the title, the tracking-number field and one more field: the elements
        # holding the title's words are few (its ancestors), so they are picked first, cheaply, by their text.
        self.root = (page.locator("*").filter(has_text=self.title).filter(has=text(self.title))
                     .filter(has=text(lb.field_tracking_number)).filter(has=more).last)
        finder = self.finder(self.root)
        self.not_found = page.get_by_text(lb.drawer_not_found, exact=True)
        edit = Control(lb.edit_tracking)
        self.edit_button = self.control(finder, edit)
        # When the details offer several controls with those words ("Изменить" beside the address too), ours is the
        # one in the smallest box holding the tracking-number field and an edit control (a finer, slower search).
        beside_field = (self.root.or_(self.root.locator("*")).filter(has_text=lb.field_tracking_number)
                        .filter(has=text(lb.field_tracking_number)).filter(has=self.finder().candidates(edit)).last)
        self._edit_beside_field = self.finder(beside_field).locator(edit)
        self.chat_button = self.control(finder, Control(lb.chat_buyer))
        self.close_button = self.control(finder, Control(lb.close))
        self.items_table = self.root.get_by_role("table").filter(has=page.get_by_text(lb.items_sku, exact=True))
        #: The text inputs shown by where, as last read before the edit control's click: the editor is where one
        #: appears after it.
        self.inputs_before: dict[str, int] = {}

    def region_arg(self, **extra: Any) -> dict[str, Any]:
        """The argument of the :mod:`pages.regions` scripts for these details (plus ``extra`` keys)."""
        lb = self.labels
        return {**details_arg(lb, self.posting_number), "loading": lb.loading, "signIn": SIGN_IN_URL.pattern,
                "notFound": lb.drawer_not_found, **extra}

    def wait_loaded(self) -> None:
        """Wait until the details show the posting (or say it does not exist), by their content.

        Raises:
            PostingNotFound: the portal has no such posting.
            PortalError: the details still show the loading text (the portal did not answer).
            SessionExpired: the app went to the sign-in page instead (its request about the posting was refused).
            UIDrift: nothing shows the title, or it shows without the tracking-number field and another field.
        """
        try:
            state = self.page.wait_for_function(_DETAILS_STATE, arg=self.region_arg(wait=True),
                                                timeout=self.timeout_ms).json_value()
        except PlaywrightError as err:
            missing = self._missing()
            if missing == self.labels.loading:  # the portal never answered: an outage (retried), not drift
                raise PortalError(f"the details of {self.posting_number} still show «{missing}»: "
                                  "the portal did not answer") from err
            raise self._drift(missing, err) from err
        if state == "not-found":
            raise PostingNotFound(_("posting {posting} not found", posting=self.posting_number))
        if state == "signed-out":
            raise self._drift(self.title)  # on the sign-in page: a lapsed session, not drift

    def _missing(self) -> str:
        """What the details lack, for naming the drift."""
        try:
            state = self.page.evaluate(_DETAILS_STATE, self.region_arg(wait=False))
        except PlaywrightError:
            return self.title
        return {"loading": self.labels.loading, "no-field": self.labels.field_tracking_number}.get(state, self.title)

    def tracking_number(self) -> str:
        """The tracking number shown, or an empty string when none is set."""
        return self.read().tracking_number

    def facts(self) -> dict[str, Any]:
        """Everything the details show, as their texts (one round trip).

        Raises:
            UIDrift: the details do not show within the time-out.
        """
        try:
            found: dict[str, Any] | None = self.page.evaluate(_DETAILS_FACTS, self._facts_arg())
            if found is not None:
                return found
            # Not there this instant (the app re-rendering them): wait for them as a locator does.
            facts: dict[str, Any] = self.page.wait_for_function(_DETAILS_FACTS, arg=self._facts_arg(),
                                                                timeout=self.timeout_ms).json_value()
        except PlaywrightError as err:
            raise self._drift(self.title, err) from err
        return facts

    def _facts_arg(self) -> dict[str, Any]:
        lb = self.labels
        labels = [lb.field_status, lb.field_status_since, lb.field_scheme, lb.field_carrier, lb.field_tracking_number,
                  lb.field_ship_by, lb.field_buyer, lb.field_phone, lb.field_address]
        chat_reasons = [re.escape(t) for t in (lb.chat_no_subscription, lb.chat_window_closed, lb.chat_cancelled)]
        return self.region_arg(fields=labels, edit=lb.edit_tracking, chat=lb.chat_buyer, reasons=reason_patterns(lb),
                         chatReasons=chat_reasons, sku=lb.items_sku, quantity=lb.items_quantity)

    def _decided(self, facts: dict[str, Any]) -> dict[str, Any]:
        """Facts showing the edit control or a reason; waits a little for one, else it is drift.

        Raises:
            UIDrift: neither shows (a renamed edit control looks exactly like this).
        """
        if facts["editable"] or facts["reason"]:
            return facts
        try:
            decided: dict[str, Any] = self.page.wait_for_function(
                _DETAILS_DECIDED, arg=self._facts_arg(), timeout=min(self.timeout_ms or DECIDE_TIMEOUT_MS,
                                                                    DECIDE_TIMEOUT_MS)).json_value()
        except PlaywrightError as err:
            raise self._drift(self.labels.edit_tracking, err) from err
        return decided

    def read(self) -> PostingSnapshot:
        """Everything the details show about the posting, as plain data (one round trip).

        Raises:
            UIDrift: the tracking-number field or the items table cannot be found.
        """
        lb = self.labels
        facts = self.facts()
        self.inputs_before = facts["places"]
        if facts["edits"] > 1:
            self.edit_button = self._edit_beside_field
        fields: dict[str, str] = facts["fields"]
        if lb.field_tracking_number not in fields:
            raise self._drift(lb.field_tracking_number)
        if facts["items"] is None:
            raise self._drift(f"{lb.items_table}: {lb.items_sku}, {lb.items_quantity}")
        tracking = fields[lb.field_tracking_number]
        carrier_text = fields.get(lb.field_carrier, "")
        status_text = fields.get(lb.field_status, "")
        status = code_of(STATUS_NAMES, self.lang, status_text)
        scheme_text = fields.get(lb.field_scheme, "")
        scheme = code_of(SCHEME_NAMES, self.lang, scheme_text)
        if not facts["editable"] and not facts["reason"]:
            if rule := _rule_reason(status, status_text, scheme, scheme_text):
                facts["reason"] = rule
            else:
                facts = self._decided(facts)
        return PostingSnapshot(
            posting_number=self.posting_number,
            status=status,
            status_text=status_text,
            status_since=_moment(fields.get(lb.field_status_since, "")),
            scheme=scheme,
            carrier="" if carrier_text == NO_CARRIER else code_of(CARRIER_NAMES, self.lang, carrier_text),
            carrier_text=carrier_text,
            tracking_number="" if tracking == lb.tracking_not_set else tracking,
            ship_by=_moment(fields.get(lb.field_ship_by, "")),
            buyer=fields.get(lb.field_buyer, ""),
            address=fields.get(lb.field_address, ""),
            items={sku: int(qty) for sku, qty in facts["items"] if qty.isdigit()},
            editable=bool(facts["editable"]),
            not_editable_reason="" if facts["editable"] else facts["reason"],
            chat_available=bool(facts["chatEnabled"]),
            chat_unavailable_reason="" if facts["chatEnabled"] else facts["chatReason"],
        )

    def close(self) -> None:
        """Close the details (a drawer's ×, a page's way back) and wait until they are gone."""
        self.close_button.click()  # the first of a drawer's two: the × in its header or the one at its foot
        self.root.wait_for(state="hidden", timeout=self.timeout_ms)

    def open_edit(self) -> None:
        """Click the edit control (the tracking editor then shows: see :class:`pages.tracking_editor.TrackingEditor`).

        Raises:
            UIDrift: the details show no edit control (a click that timed out on a control that does show is a
                portal error instead, and retried).
        """
        try:
            if not self.inputs_before:  # not read just before (read() counts them in the same round trip)
                self.inputs_before = self.page.evaluate(_INPUT_PLACES, self.region_arg())
            self.edit_button.click(timeout=self.timeout_ms)  # it waits for the control to show, as a person does
        except PlaywrightTimeoutError as err:
            if not self.edit_button.is_visible():
                raise self._drift(self.labels.edit_tracking, err) from err
            raise

    def controls(self) -> dict[str, Locator]:
        """The fields and controls of the details, for the drift check (on an editable posting)."""
        lb = self.labels
        found = {self.title: self.root}
        for label in (lb.field_status, lb.field_carrier, lb.field_tracking_number, lb.field_buyer, lb.field_address):
            found[label] = self.root.get_by_text(label, exact=True)
        found[lb.items_table] = self.items_table
        found[lb.edit_tracking] = self.edit_button
        found[lb.chat_buyer] = self.chat_button
        return found
