"""The posting detail drawer: every field, the edit control, the chat action, why-not-editable."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from agent.errors import PostingNotFound
from agent.records import PostingSnapshot
from pages.base import PageObject
from pages.dates import parse_iso, parse_shown_date

#: Every labelled field group of the drawer in one call: accessible name -> value text and data attributes.
_READ_FIELDS = """root => {
  const fields = {};
  for (const group of root.querySelectorAll('[role=group]')) {
    const ids = (group.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    const name = ids.length
      ? ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim()
      : (group.getAttribute('aria-label') || '').trim();
    const value = group.querySelector('dd');
    if (name && value) fields[name] = {text: value.innerText.trim(), data: Object.assign({}, value.dataset)};
  }
  return fields;
}"""


def _moment(iso: str, shown: str) -> str:
    """An ISO moment from a field: its machine value when it carries one, else the date as shown (or "")."""
    moment = parse_iso(iso) if iso else None
    moment = moment or parse_shown_date(shown)
    return moment.isoformat() if moment else ""


class PostingDrawer(PageObject):
    """The drawer of one posting (``?postingDetails=N``)."""

    def __init__(self, page: Page, posting_number: str, lang: str = "ru", timeout_ms: float | None = None) -> None:
        super().__init__(page, lang, timeout_ms)
        lb = self.labels
        self.posting_number = posting_number
        self.root = page.get_by_role("dialog", name=lb.drawer_name.format(posting_number), exact=True)
        self.not_found = self.root.get_by_text(lb.drawer_not_found)
        self.edit_button = self.root.get_by_role("button", name=lb.edit_tracking)
        self.chat_button = self.root.get_by_role("button", name=lb.chat_buyer)
        self.close_button = self.root.get_by_role("button", name=lb.close, exact=True)
        self.items_table = self.root.get_by_role("table", name=lb.items_table, exact=True)
        self.notes = self.root.get_by_role("note")
        self.loaded = self.field(lb.field_tracking_number).or_(self.not_found)

    def field(self, label: str) -> Locator:
        """The value of a field, found by its label (a labelled group holding a ``dd``)."""
        return self.root.get_by_role("group", name=label, exact=True).locator("dd")

    def wait_loaded(self) -> None:
        """Wait until the drawer shows the posting (or says it does not exist).

        Raises:
            PostingNotFound: the portal has no such posting.
            UIDrift: the drawer or its tracking-number field is not there.
        """
        self._wait_visible(self.loaded, self.labels.drawer_name.format(self.posting_number))
        if self.not_found.is_visible():
            raise PostingNotFound(f"posting {self.posting_number} not found")

    def tracking_number(self) -> str:
        """The tracking number shown, or an empty string when none is set."""
        text = self.field(self.labels.field_tracking_number).inner_text().strip()
        return "" if text == self.labels.tracking_not_set else text

    def read(self) -> PostingSnapshot:
        """Everything the drawer shows about the posting, as plain data (a few round trips, not one per field)."""
        lb = self.labels
        try:
            fields: dict[str, dict[str, Any]] = self.root.evaluate(_READ_FIELDS)
            items = self.items_table.get_by_test_id("item-row").evaluate_all(
                "rows => rows.map(r => [r.cells[1].innerText.trim(), r.cells[2].innerText.trim()])"
            )
        except PlaywrightError as err:
            raise self._drift(lb.items_table, err) from err

        def text(label: str) -> str:
            return str(fields.get(label, {}).get("text", ""))

        def data(label: str, key: str) -> str:
            return str((fields.get(label, {}).get("data") or {}).get(key, ""))

        if lb.field_tracking_number not in fields:
            raise self._drift(lb.field_tracking_number)
        tracking = text(lb.field_tracking_number)
        editable = self.edit_button.count() > 0
        chat_available = self.chat_button.count() > 0 and self.chat_button.is_enabled()
        return PostingSnapshot(
            posting_number=self.posting_number,
            status=data(lb.field_status, "status"),
            status_text=text(lb.field_status),
            status_since=_moment(data(lb.field_status_since, "since"), text(lb.field_status_since)),
            scheme=data(lb.field_scheme, "scheme"),
            carrier=data(lb.field_carrier, "carrier"),
            carrier_text=text(lb.field_carrier),
            tracking_number="" if tracking == lb.tracking_not_set else tracking,
            ship_by=_moment(data(lb.field_ship_by, "shipBy"), text(lb.field_ship_by)),
            buyer=text(lb.field_buyer),
            address=text(lb.field_address),
            items={sku: int(qty) for sku, qty in items if qty.isdigit()},
            editable=editable,
            not_editable_reason="" if editable else self._note("not-editable-reason"),
            chat_available=chat_available,
            chat_unavailable_reason="" if chat_available else self._note("chat-unavailable-reason"),
        )

    def _note(self, test_id: str) -> str:
        note = self.root.get_by_test_id(test_id)
        return note.inner_text().strip() if note.count() else ""

    def close(self) -> None:
        """Close the drawer and wait until it is gone (the list behind it takes clicks again)."""
        self.close_button.first.click()  # the drawer has two: the × in its header and the one at its foot
        self.root.wait_for(state="hidden", timeout=self.timeout_ms)

    def open_edit(self) -> None:
        """Open the tracking-number dialog."""
        self._wait_visible(self.edit_button, self.labels.edit_tracking)
        self.edit_button.click()

    def personal_data(self) -> list[Locator]:
        """Fields with the buyer's personal data, masked in every screenshot."""
        lb = self.labels
        return [self.field(lb.field_buyer), self.field(lb.field_phone), self.field(lb.field_address)]

    def controls(self) -> dict[str, Locator]:
        """The drawer's fields and controls, for the drift check (on an editable posting)."""
        lb = self.labels
        found = {lb.drawer_name.format(self.posting_number): self.root}
        for label in (lb.field_status, lb.field_carrier, lb.field_tracking_number, lb.field_buyer, lb.field_address):
            found[label] = self.field(label)
        found[lb.items_table] = self.items_table
        found[lb.edit_tracking] = self.edit_button
        found[lb.chat_buyer] = self.chat_button
        return found
