"""The orders list: status tabs, the search box, the result rows.

The table is the one whose column headers a person reads («Номер отправления», «Статус», ...); every row is
read by those headers in one round trip; loading is waited for by content (rows, «Ничего не найдено», the
loading text gone).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from agent.core.errors import PortalError
from agent.core.records import ListedPosting
from pages.base import SIGN_IN_URL, PageObject
from pages.dates import parse_shown_date
from pages.finders import Control
from pages.layout import LIST_READY, LIST_ROWS, LIST_STATE, script
from pages.portal_names import CARRIER_NAMES, NO_CARRIER, STATUS_NAMES, code_of

_LIST_STATE = script(LIST_STATE)
_LIST_READY = script(LIST_READY)
_LIST_ROWS = script(LIST_ROWS)


@dataclass(frozen=True)
class PostingRow:
    """One row of the list, as shown."""

    posting_number: str
    cells: tuple[str, ...]


class PostingsListPage(PageObject):
    """``/app/postings/fbs`` (or the cross-border cabinet's list)."""

    def __init__(self, page: Page, lang: str = "ru", timeout_ms: float | None = None) -> None:
        super().__init__(page, lang, timeout_ms)
        lb = self.labels
        self._find = self.finder()
        self.search_control = Control(lb.search_box, ("searchbox", "textbox"))
        self.search_box = self.control(self._find, self.search_control)
        self.search_button = self.control(self._find, Control(lb.search_button))
        # The table a person recognises by its first column's header.
        self.table = page.get_by_role("table").filter(has=page.get_by_text(lb.col_posting_number, exact=True))
        self.rows = self.table.get_by_role("row").filter(has=page.get_by_role("cell"))
        self.nothing_found = page.get_by_text(lb.nothing_found, exact=True)
        self.next_page = self.control(self._find, Control(lb.next_page))

    @staticmethod
    def url(base_url: str, path: str, **query: str) -> str:
        """The list URL with ``tab``, ``search``, ``postingNumber`` or ``postingDetails``."""
        params = {k: v for k, v in query.items() if v}
        return f"{base_url}{path}" + (f"?{urlencode(params)}" if params else "")

    def tab(self, name: str) -> Locator:
        """A status tab by its key: ``all``, ``awaiting_packaging``, ``delivering``, ..."""
        return self.control(self._find, Control(getattr(self.labels, f"tab_{name}"), ("tab",)))

    def _arg(self) -> dict[str, str]:
        lb = self.labels
        return {"loading": lb.loading, "numberHeader": lb.col_posting_number, "nothingFound": lb.nothing_found,
                "signIn": SIGN_IN_URL.pattern}

    def wait_loaded(self) -> None:
        """Wait until the rows have loaded: rows shown, or «nothing found», and no loading text.

        Raises:
            PortalError: the loading text never went away (the portal did not answer).
            SessionExpired: the app went to the sign-in page instead (its request for the rows was refused).
            UIDrift: no table with the posting-number column.
        """
        try:
            state = self.page.wait_for_function(_LIST_READY, arg=self._arg(), timeout=self.timeout_ms).json_value()
        except PlaywrightError as err:
            missing = self._missing()
            if missing == self.labels.loading:  # the portal never answered: an outage (retried), not drift
                raise PortalError(f"the list still shows «{missing}»: the portal did not answer") from err
            raise self._drift(missing, err) from err
        if state == "signed-out":
            raise self._drift(self.labels.postings_table)  # on the sign-in page: a lapsed session, not drift

    def _missing(self) -> str:
        try:
            state = self.page.evaluate(_LIST_STATE, self._arg())
        except PlaywrightError:
            state = "absent"
        lb = self.labels
        return lb.loading if state == "loading" else f"{lb.postings_table}: {lb.col_posting_number}"

    def search(self, query: str) -> None:
        """Search by posting number, buyer name or a product word, and wait for the rows."""
        box = self.resolve(self._find, self.search_control)
        box.fill(query)
        with self.page.expect_response(lambda r: "/api/postings" in r.url or "search" in r.url):
            self.search_button.click()
        self.wait_loaded()

    def open_tab(self, name: str) -> None:
        """Switch to a status tab and wait for its rows."""
        tab = self.resolve(self._find, Control(getattr(self.labels, f"tab_{name}"), ("tab",)))
        tab.click()
        self.wait_loaded()

    def _rows(self) -> list[dict[str, str]]:
        try:
            rows: list[dict[str, str]] | None = self.page.evaluate(_LIST_ROWS, self._arg())
        except PlaywrightError as err:
            raise self._drift(self.labels.col_posting_number, err) from err
        if rows is None:
            raise self._drift(f"{self.labels.postings_table}: {self.labels.col_posting_number}")
        return rows

    def result_rows(self) -> list[PostingRow]:
        """The rows shown (this page of results)."""
        number = self.labels.col_posting_number
        return [PostingRow(row.get(number, ""), tuple(row.values())) for row in self._rows()]

    def listed_postings(self) -> list[ListedPosting]:
        """The rows shown, as facts: number, order date, status and carrier codes, tracking number."""
        lb = self.labels
        listed = []
        for row in self._rows():
            moment = parse_shown_date(row.get(lb.col_order_date, ""))
            tracking = row.get(lb.col_tracking_number, "")
            carrier = row.get(lb.col_carrier, "")
            listed.append(ListedPosting(
                posting_number=row.get(lb.col_posting_number, ""), order_date=moment.isoformat() if moment else "",
                status=code_of(STATUS_NAMES, self.lang, row.get(lb.col_status, "")),
                carrier="" if carrier == NO_CARRIER else code_of(CARRIER_NAMES, self.lang, carrier),
                tracking_number="" if tracking == lb.tracking_not_set else tracking))
        return listed

    def posting_numbers(self) -> list[str]:
        """The posting numbers of the rows shown."""
        return [row.posting_number for row in self.result_rows()]

    def has_next_page(self) -> bool:
        """Whether the pagination offers a next page."""
        return self.next_page.count() > 0 and self.next_page.is_enabled()

    def go_next_page(self) -> None:
        """Go to the next page of results and wait for its rows."""
        self.next_page.click()
        self.wait_loaded()

    def shows_posting(self, posting_number: str) -> bool:
        """Whether a row of the list shows this posting now (no waiting)."""
        return self.rows.filter(has=self.page.get_by_text(posting_number, exact=True)).count() > 0

    def open_posting(self, posting_number: str) -> None:
        """Open a posting's drawer from its row (a click on its number, as a person does)."""
        row = self.rows.filter(has=self.page.get_by_text(posting_number, exact=True))
        target = (row.get_by_role("button", name=posting_number, exact=True)
                  .or_(row.get_by_role("link", name=posting_number, exact=True))
                  .or_(row.get_by_text(posting_number, exact=True)))
        target.first.click(timeout=self.timeout_ms)

    def controls(self) -> dict[str, Locator]:
        """The list's controls, for the drift check."""
        lb = self.labels
        found = {lb.search_box: self.search_box, lb.search_button: self.search_button,
                 lb.col_posting_number: self.table}
        for key in ("all", "awaiting_deliver", "delivering", "delivered"):
            found[getattr(lb, f"tab_{key}")] = self.tab(key)
        return found
