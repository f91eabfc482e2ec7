"""The orders list: status tabs, the search box, the result rows."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from playwright.sync_api import Locator, Page

from agent.records import ListedPosting
from pages.base import PageObject
from pages.dates import parse_shown_date

#: What each row shows, in one call: codes from the status badge and carrier cell, the rest as text.
_ROW_FACTS = """rows => rows.map(r => {
  const status = r.querySelector('[data-status]');
  const carrier = r.querySelector('[data-carrier]');
  const tracking = r.querySelector('[data-testid=row-tracking]');
  return {number: r.dataset.posting, date: r.cells.length > 1 ? r.cells[1].innerText.trim() : '',
          status: status ? status.dataset.status : '', carrier: carrier ? carrier.dataset.carrier : '',
          tracking: tracking ? tracking.innerText.trim() : ''};
})"""


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
        self.search_box = page.get_by_role("searchbox", name=lb.search_box)
        self.search_button = page.get_by_role("button", name=lb.search_button, exact=True)
        self.table = page.get_by_role("table", name=lb.postings_table, exact=True)
        # aria-busy is the list's own "rows are loading" flag; no role or label expresses it.
        self.table_ready = self.table.and_(page.locator("[aria-busy='false']"))
        self.rows = page.get_by_test_id("posting-row")
        self.nothing_found = page.get_by_text(lb.nothing_found, exact=True)
        self.next_page = page.get_by_role("button", name=lb.next_page)

    @staticmethod
    def url(base_url: str, path: str, **query: str) -> str:
        """The list URL with ``tab``, ``search``, ``postingNumber`` or ``postingDetails``."""
        params = {k: v for k, v in query.items() if v}
        return f"{base_url}{path}" + (f"?{urlencode(params)}" if params else "")

    def tab(self, name: str) -> Locator:
        """A status tab by its key: ``all``, ``awaiting_packaging``, ``delivering``, ..."""
        return self.page.get_by_role("tab", name=getattr(self.labels, f"tab_{name}"), exact=True)

    def wait_loaded(self) -> None:
        """Wait until the rows have loaded (the table is no longer busy)."""
        self._wait_visible(self.table_ready, self.labels.postings_table)

    def search(self, query: str) -> None:
        """Search by posting number, buyer name or a product word, and wait for the rows."""
        self._wait_visible(self.search_box, self.labels.search_box)
        self.search_box.fill(query)
        with self.page.expect_response(lambda r: "/api/postings" in r.url or "search" in r.url):
            self.search_button.click()
        self.wait_loaded()

    def open_tab(self, name: str) -> None:
        """Switch to a status tab and wait for its rows."""
        tab = self.tab(name)
        self._wait_visible(tab, getattr(self.labels, f"tab_{name}"))
        tab.click()
        self.wait_loaded()

    def result_rows(self) -> list[PostingRow]:
        """The rows shown (this page of results)."""
        data = self.rows.evaluate_all(
            "rows => rows.map(r => [r.dataset.posting, Array.from(r.cells).map(c => c.innerText.trim())])"
        )
        return [PostingRow(number, tuple(cells)) for number, cells in data]

    def listed_postings(self) -> list[ListedPosting]:
        """The rows shown, as facts: number, order date, status and carrier codes, tracking number."""
        rows = self.rows.evaluate_all(_ROW_FACTS)
        listed = []
        for row in rows:
            moment = parse_shown_date(row["date"])
            tracking = "" if row["tracking"] == self.labels.tracking_not_set else row["tracking"]
            listed.append(ListedPosting(posting_number=row["number"], order_date=moment.isoformat() if moment else "",
                                        status=row["status"] or "", carrier=row["carrier"] or "",
                                        tracking_number=tracking))
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

    def open_posting(self, posting_number: str) -> None:
        """Open a posting's drawer from its row."""
        self.rows.filter(has=self.page.get_by_role("button", name=posting_number, exact=True)).get_by_role(
            "button", name=posting_number, exact=True
        ).click()

    def buyer_cells(self) -> Locator:
        """Cells with buyer names (personal data, masked in screenshots)."""
        return self.rows.locator("td:nth-child(4)")

    def controls(self) -> dict[str, Locator]:
        """The list's controls, for the drift check."""
        lb = self.labels
        found = {lb.search_box: self.search_box, lb.search_button: self.search_button, lb.postings_table: self.table}
        for key in ("all", "awaiting_deliver", "delivering", "delivered"):
            found[getattr(lb, f"tab_{key}")] = self.tab(key)
        return found
