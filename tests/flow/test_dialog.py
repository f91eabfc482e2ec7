"""The tracking-number edit control: ``TrackingEditor`` finds its input, its service select, Save and Cancel."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pages.tracking_editor import TrackingEditor
from scenarios.portal import Portal
from tests.conftest import Oracle
from tests.flow.walk import find_posting, open_drawer

pytestmark = [pytest.mark.flow, pytest.mark.e2e]


def test_dialog_should_offer_the_current_number_and_service_and_cancel_without_saving(
    portal: Portal, oracle: Oracle | None
) -> None:
    number = find_posting(portal, ("awaiting_deliver", "delivering"), editable=True)
    drawer = open_drawer(portal, number)
    seen = drawer.read()

    drawer.open_edit()
    dialog = TrackingEditor(drawer)
    dialog.wait_open()

    for label, control in dialog.controls().items():
        expect(control, f"TrackingEditor: {label}").to_be_visible()
    expect(dialog.number).to_have_value(seen.tracking_number)
    if seen.carrier:
        assert dialog.carrier_code() == seen.carrier
    dialog.cancel()
    expect(dialog.number).to_be_hidden()  # the editor closed: its input is gone
    assert drawer.tracking_number() == seen.tracking_number
    if oracle is not None:
        assert oracle.posting(number)["save_count"] == 0
