"""Changing a number through ``TrackingEditor`` and checking it where the agent checks it. Writes: never --live."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pages.tracking_editor import TrackingEditor
from scenarios.portal import Portal
from tests.conftest import Oracle
from tests.flow.walk import find_posting, open_drawer, open_list

pytestmark = [pytest.mark.flow, pytest.mark.e2e, pytest.mark.writes]


def test_change_should_save_the_number_and_show_it_in_the_drawer_and_the_list(
    portal: Portal, sandbox_oracle: Oracle
) -> None:
    number = find_posting(portal, ("awaiting_deliver", "delivering"), editable=True)
    new = f"FLOW-{portal.lang.upper()}-{number[:8]}"
    drawer = open_drawer(portal, number)
    old = drawer.tracking_number()
    drawer.open_edit()
    dialog = TrackingEditor(drawer)

    dialog.fill(new, carrier="cdek")
    answer = dialog.save(timeout_ms=10_000)

    assert answer.ok, answer
    expect(portal.page.get_by_role("status").filter(has_text=dialog.labels.saved_toast)).to_be_visible()
    assert drawer.tracking_number() == new
    assert drawer.read().carrier == "cdek"
    listing = open_list(portal, search=number)
    (row,) = listing.result_rows()
    assert row.posting_number == number and new in row.cells
    truth = sandbox_oracle.posting(number)
    assert (truth["tracking_number"], truth["carrier"], truth["save_count"]) == (new, "cdek", 1)
    assert truth["tracking_history"][-1]["old"] == old


@pytest.mark.parametrize("bad", ["AB 12#", "", "X" * 33], ids=["illegal-characters", "empty", "too-long"])
def test_change_should_show_the_portal_refusal_of_a_bad_number_and_save_nothing(
    portal: Portal, sandbox_oracle: Oracle, bad: str
) -> None:
    number = find_posting(portal, ("awaiting_deliver", "delivering"), editable=True)
    drawer = open_drawer(portal, number)
    old = drawer.tracking_number()
    drawer.open_edit()
    dialog = TrackingEditor(drawer)

    dialog.fill(bad)
    answer = dialog.save(timeout_ms=10_000)

    assert answer.status == 422
    assert answer.message, "the dialog should show why"
    expect(dialog.number).to_be_visible()  # the editor stays open, with its message
    dialog.cancel()
    assert drawer.tracking_number() == old
    assert sandbox_oracle.posting(number)["save_count"] == 0
