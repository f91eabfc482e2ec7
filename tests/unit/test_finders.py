"""The page objects on a front end neither skin has: synthetic DOMs (``page.set_content``), no server.

A third UI kit: the drawer is a ``<dialog>`` whose fields are table rows (label beside value), the list an ARIA
grid with its columns in another order, the edit control a clickable ``<span>``, the delivery service a
listbox behind a button, inputs found by placeholder or by the words beside them. Only what a person sees.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from agent.core.errors import UIDrift
from pages.finders import Control, Finder
from pages.posting_details import PostingDetails
from pages.postings_list import PostingsListPage
from pages.privacy import personal_data_boxes
from pages.tracking_editor import TrackingEditor

pytestmark = pytest.mark.e2e  # a real Chromium

NUMBER = "12345678-0001-1"
ACTIONS = {"edit": '<span onclick="1">Set or change tracking number</span>', "none": "",
           "reason": "<p>The tracking number is assigned by the integrated delivery service</p>"}


def drawer_html(actions: str = ACTIONS["edit"], buyer_label: str = "Buyer") -> str:
    rows = [("Status", "<b>Delivering</b>"), ("In status since", "10/01/2026, 15:00"),
            ("Delivery scheme", "Third-party carrier (3PL)"), ("Delivery service", "CDEK"),
            ("Tracking number", "RR123456785CN"), ("Ship by", "12/01/2026, 18:30"),
            (buyer_label, "Ivan Petrov"), ("Phone", "+7 900 123-45-67"), ("Delivery address", "101000, Moscow")]
    fields = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)
    return f"""<html lang="en"><body><main><p>Orders</p></main>
<dialog open style="width:520px">
  <header><span>Posting {NUMBER}</span><span role="button">Close</span></header>
  <section>{actions}</section>
  <table>{fields}</table>
  <div role="grid">
    <div role="row"><span role="columnheader">Product</span><span role="columnheader">Quantity</span>
      <span role="columnheader">SKU</span></div>
    <div role="row"><span role="gridcell">Kettle</span><span role="gridcell">2</span>
      <span role="gridcell">SKU-1</span></div>
  </div>
</dialog></body></html>"""


def test_drawer_should_be_read_by_label_text_and_layout_on_an_unseen_dom(page: Page) -> None:
    page.set_content(drawer_html())
    drawer = PostingDetails(page, NUMBER, "en", timeout_ms=2_000)
    drawer.wait_loaded()

    seen = drawer.read()

    assert (seen.status, seen.scheme, seen.carrier, seen.tracking_number) == (
        "delivering", "3pl_tracking", "cdek", "RR123456785CN")
    assert (seen.buyer, seen.address, seen.items) == ("Ivan Petrov", "101000, Moscow", {"SKU-1": 2})
    assert seen.status_since == "2026-01-10T12:00:00+00:00" and seen.ship_by == "2026-01-12T15:30:00+00:00"
    assert seen.editable and not seen.not_editable_reason
    assert drawer.how_found("Set or change tracking number") == "text"


def test_a_drawer_with_neither_an_edit_control_nor_a_reason_should_be_drift(page: Page) -> None:
    page.set_content(drawer_html(ACTIONS["none"]))
    drawer = PostingDetails(page, NUMBER, "en", timeout_ms=2_000)
    drawer.wait_loaded()

    with pytest.raises(UIDrift) as drift:
        drawer.read()

    assert (drift.value.page_object, drift.value.label, drift.value.lang) == (
        "PostingDetails", "Set or change tracking number", "en")


def test_a_drawer_that_says_why_should_be_not_editable_with_its_reason(page: Page) -> None:
    page.set_content(drawer_html(ACTIONS["reason"]))
    drawer = PostingDetails(page, NUMBER, "en", timeout_ms=2_000)
    drawer.wait_loaded()

    seen = drawer.read()

    assert not seen.editable
    assert seen.not_editable_reason == "The tracking number is assigned by the integrated delivery service"


LIST = """<html lang="en"><body>
<input placeholder="Search by posting number, buyer or product"><span role="button">Search</span>
<p id="loading">Loading…</p>
<div role="grid" id="grid"><div role="row">
  <span role="columnheader">Status</span><span role="columnheader">Posting number</span>
  <span role="columnheader">Tracking number</span><span role="columnheader">Buyer</span>
  <span role="columnheader">Delivery service</span><span role="columnheader">Order date</span></div></div>
<script>
setTimeout(() => {
  document.getElementById('loading').remove();
  const row = document.createElement('div');
  row.setAttribute('role', 'row');
  for (const text of ['Awaiting shipment', '87654321-0002-1', 'not set', 'Anna Smirnova', 'Russian Post',
                      '09/01/2026, 10:05']) {
    const cell = document.createElement('span'); cell.setAttribute('role', 'gridcell'); cell.textContent = text;
    row.appendChild(cell);
  }
  document.getElementById('grid').appendChild(row);
}, 300);
</script></body></html>"""


def test_list_should_wait_for_its_rows_by_content_and_read_them_by_column_header(page: Page) -> None:
    page.set_content(LIST)
    listing = PostingsListPage(page, "en", timeout_ms=5_000)

    listing.wait_loaded()

    (row,) = listing.listed_postings()
    assert (row.posting_number, row.status, row.carrier, row.tracking_number, row.order_date) == (
        "87654321-0002-1", "awaiting_deliver", "russian_post", "", "2026-01-09T07:05:00+00:00")
    # An input's accessible name falls back to its placeholder: the first way, role + name, finds it.
    assert listing.how_found("Search by posting number, buyer or product") == "role"


def test_a_list_without_its_number_column_should_be_drift_naming_it(page: Page) -> None:
    page.set_content(LIST.replace("Posting number", "No."))
    listing = PostingsListPage(page, "en", timeout_ms=2_000)

    with pytest.raises(UIDrift, match="PostingsListPage cannot find 'Postings: Posting number'"):
        listing.wait_loaded()


DIALOG = """<html lang="en"><body>
<div role="dialog" style="width:400px"><h3>Posting tracking number</h3>
  <div><span>Tracking number</span><input></div>
  <div><span>Delivery service</span>
    <button type="button" onclick="document.getElementById('options').hidden = false">CDEK</button></div>
  <ul role="listbox" id="options" hidden>
    <li role="option" onclick="const list = this.parentElement; list.hidden = true;
      list.previousElementSibling.lastElementChild.textContent = this.textContent">China Post</li>
    <li role="option">CDEK</li></ul>
  <button>Cancel</button><button>Save</button>
</div></body></html>"""


def test_dialog_should_type_the_number_and_choose_the_service_in_a_custom_dropdown(page: Page) -> None:
    page.set_content(DIALOG)
    dialog = TrackingEditor(PostingDetails(page, NUMBER, "en", timeout_ms=2_000))
    assert dialog.carrier_code() == "cdek"

    dialog.fill("RR123456785CN", carrier="china_post")

    assert page.get_by_role("textbox").input_value() == "RR123456785CN"
    assert dialog.carrier_code() == "china_post"
    assert dialog.how_found("Tracking number") == "text"


def test_finder_should_try_role_then_label_then_placeholder_then_text_and_remember(page: Page) -> None:
    # A number input is a spinbutton, not a textbox (the role way misses it); its label does not.
    page.set_content("""<label>Code <input type="number"></label> <input aria-label="Phone number">
        <input aria-label="Contact" placeholder="E-mail"> <div><span>Message</span><textarea></textarea></div>""")
    finder = Finder("SyntheticPage", page)

    ways = {text: finder.which(Control(text, ("textbox",))) for text in ("Phone number", "Code", "E-mail", "Message")}

    assert ways == {"Phone number": "role", "Code": "label", "E-mail": "placeholder", "Message": "text"}
    assert Finder.found_by("SyntheticPage") == {f"SyntheticPage: {k}": v for k, v in sorted(ways.items())}


def test_masking_should_cover_the_values_beside_the_personal_labels(page: Page) -> None:
    page.set_content(drawer_html())
    value = page.get_by_text("Ivan Petrov").bounding_box()
    assert value is not None

    boxes = personal_data_boxes(page, "en")

    assert any(x <= value["x"] and y <= value["y"] and x + w >= value["x"] + value["width"]
               and y + h >= value["y"] + value["height"] for x, y, w, h in boxes)
    dialog = page.get_by_role("dialog").bounding_box()
    assert dialog is not None and not any(w >= dialog["width"] for _, _, w, _ in boxes), "only the fields"


def test_masking_should_cover_the_whole_dialog_when_a_personal_label_is_missing(page: Page) -> None:
    page.set_content(drawer_html(buyer_label="Recipient"))
    dialog = page.get_by_role("dialog").bounding_box()
    assert dialog is not None

    boxes = personal_data_boxes(page, "en")

    assert any(x <= dialog["x"] and y <= dialog["y"] and w >= dialog["width"] and h >= dialog["height"]
               for x, y, w, h in boxes)


def covers(boxes: list[tuple[float, float, float, float]], box: dict[str, float] | None) -> bool:
    """Whether one of the boxes covers ``box`` whole."""
    assert box is not None
    return any(x <= box["x"] and y <= box["y"] and x + w >= box["x"] + box["width"]
               and y + h >= box["y"] + box["height"] for x, y, w, h in boxes)


def test_masking_should_cover_the_buyer_column_and_a_search_for_a_buyer(page: Page) -> None:
    page.set_content(LIST.replace("setTimeout(", "(").replace("}, 300);", "})();"))
    page.get_by_placeholder("Search by posting number, buyer or product").fill("Anna Smirnova")

    boxes = personal_data_boxes(page, "en")

    assert covers(boxes, page.get_by_role("gridcell", name="Anna Smirnova").bounding_box())
    assert covers(boxes, page.get_by_role("textbox").bounding_box())
    assert not covers(boxes, page.get_by_role("gridcell", name="87654321-0002-1").bounding_box())


def test_masking_should_cover_a_whole_list_whose_buyer_column_it_cannot_find(page: Page) -> None:
    page.set_content(LIST.replace(">Buyer<", ">Customer<").replace("setTimeout(", "(").replace("}, 300);", "})();"))

    boxes = personal_data_boxes(page, "en")

    assert covers(boxes, page.get_by_role("grid").bounding_box())
