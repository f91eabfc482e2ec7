"""Reading a posting with ``PostingDetails.read()``: what the agent knows before it changes anything."""

from __future__ import annotations

import pytest

from pages.postings_list import PostingsListPage
from scenarios.portal import Portal
from tests.conftest import Oracle
from tests.flow.walk import find_posting, loaded_drawer, open_list

pytestmark = [pytest.mark.flow, pytest.mark.e2e]


def test_drawer_should_read_the_posting_opened_from_its_row(portal: Portal, oracle: Oracle | None) -> None:
    number = find_posting(portal, ("awaiting_deliver", "delivering"), editable=True)
    listing = open_list(portal, search=number)

    listing.open_posting(number)
    seen = loaded_drawer(portal, number).read()

    assert seen.posting_number == number
    assert seen.editable and not seen.not_editable_reason
    assert seen.status and seen.status_text and seen.buyer and seen.address and seen.items
    if oracle is not None:
        truth = oracle.posting(number)
        assert (seen.status, seen.scheme, seen.carrier, seen.tracking_number) == (
            truth["status"], truth["tpl_integration_type"], truth["carrier"], truth["tracking_number"])
        assert seen.buyer == truth["buyer_name"]
        assert seen.items == {item["sku"]: item["quantity"] for item in truth["items"]}
        assert seen.chat_available == truth["chat_available"]


def test_drawer_should_say_why_a_delivered_posting_cannot_be_changed(portal: Portal, oracle: Oracle | None) -> None:
    number = open_list(portal, tab="delivered").posting_numbers()[0]
    listing = PostingsListPage(portal.page, portal.lang)

    listing.open_posting(number)
    seen = loaded_drawer(portal, number).read()

    assert not seen.editable
    assert seen.not_editable_reason, "a non-editable posting should say why"
    assert seen.status == "delivered"
    if oracle is not None:
        assert not oracle.posting(number)["editable"]

