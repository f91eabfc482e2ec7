"""Finding a posting with ``PostingsListPage``: by its number, its buyer, a SKU or a word of a product."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from scenarios.portal import Portal
from tests.conftest import Oracle
from tests.flow.walk import find_posting, open_drawer, open_list, shown_in_results

pytestmark = [pytest.mark.flow, pytest.mark.e2e, pytest.mark.every_skin]

UNKNOWN_POSTING = "00000000-0000-9"


def product_word(oracle: Oracle | None, number: str) -> str:
    """A word of one of the posting's product names (the sandbox's truth; stands do not tell)."""
    if oracle is None:
        pytest.skip("the product names come from the sandbox's oracle: loopback only")
    names = [item["name"] for item in oracle.posting(number)["items"]]
    return next(w for name in names for w in name.split() if w.isalpha() and len(w) >= 5)


@pytest.mark.parametrize("by", ["number", "buyer", "sku", "product word"],
                         ids=["by-number", "by-buyer-name", "by-sku", "by-product-word"])
def test_search_should_find_the_posting(portal: Portal, oracle: Oracle | None, by: str) -> None:
    number = find_posting(portal, ("awaiting_deliver", "delivering"), editable=True)
    seen = open_drawer(portal, number).read()
    term = {"number": number, "buyer": seen.buyer, "sku": next(iter(seen.items), ""),
            "product word": "" if by != "product word" else product_word(oracle, number)}[by]
    assert term, f"the drawer of {number} shows no {by}"
    listing = open_list(portal)

    listing.search(term)

    if by == "number":
        assert listing.posting_numbers() == [number]
    else:
        assert shown_in_results(listing, number), f"searching {term!r} did not show {number}"


def test_search_should_say_nothing_found_for_an_unknown_number(portal: Portal) -> None:
    listing = open_list(portal)

    listing.search(UNKNOWN_POSTING)

    assert listing.posting_numbers() == []
    expect(listing.nothing_found).to_be_visible()
