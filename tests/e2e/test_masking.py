"""Masking fails closed, checked on the pixels with OCR: where the buyer's fields cannot be found (their labels
renamed, the way a live portal drifts), the whole drawer or list is covered; abort and doctor images too.

Every check has its positive control: an unmasked screenshot of the same screen, in which OCR does read the
buyer. Runs on every front end in ``--skins``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from agent.core.browser.session import new_context
from agent.core.settings import Settings
from tests.conftest import Oracle
from tests.e2e.test_change import s10
from tests.e2e.test_safety_masking import evidence_of, unmasked_shot
from tests.evidence_check import assert_buyer_data_readable, assert_no_buyer_data, buyer_data_found, ocr_text

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.every_skin]  # masking: on every front end


@pytest.mark.parametrize("key", ["field.buyer", "field.phone", "field.address"],
                         ids=["buyer-label-renamed", "phone-label-renamed", "address-label-renamed"])
def test_evidence_should_cover_the_whole_drawer_when_a_personal_field_cannot_be_found(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, browser: Browser, tmp_path: Path, key: str
) -> None:
    number = sandbox.postings(editable=True, limit=30)[20 + ["field.buyer", "field.phone", "field.address"].index(key)][
        "posting_number"]
    sandbox.set_label("ru", key, "Контакт")

    result = cli("change", number, s10(15_000_001 + len(key)))

    assert result.exit_code == 0, result.output  # the buyer's fields are not needed to change the number
    buyer = sandbox.posting(number)
    assert_buyer_data_readable(unmasked_shot(browser, agent_settings, number, tmp_path / "u.jpg", drawer_only=True),
                               buyer)
    images = evidence_of(agent_settings)
    assert set(images) == {"before", "after"}
    for image in images.values():
        assert_no_buyer_data(image, buyer)


def test_abort_evidence_of_drift_should_show_no_buyer_data(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, browser: Browser, tmp_path: Path
) -> None:
    number = sandbox.postings(editable=True, limit=30)[24]["posting_number"]
    sandbox.set_label("ru", "drawer.edit_tracking", "Редактировать трек")

    result = cli("change", number, s10(15_000_101))

    assert result.exit_code == 3, result.output
    buyer = sandbox.posting(number)
    assert_buyer_data_readable(unmasked_shot(browser, agent_settings, number, tmp_path / "u.jpg", drawer_only=False),
                               buyer)
    # The posting stays pending (no outcome, so the journal lists no evidence): its images are on disk.
    images = {p.stem: p for p in agent_settings.runs_dir.glob("*/*/*.jpg")}
    assert "error" in images
    for image in images.values():
        assert_no_buyer_data(image, buyer)


def list_shot(browser: Browser, settings: Settings, path: Path) -> Path:
    """An unmasked screenshot of the orders list (the positive control for the list's buyer column)."""
    context = new_context(browser, settings)
    try:
        page = context.new_page()
        page.goto(f"{settings.base_url}{settings.postings_path}")
        page.get_by_role("row").nth(3).wait_for()
        page.screenshot(path=str(path), type="jpeg", quality=80, scale="css")
    finally:
        context.close()
    return path


def test_doctor_drift_screenshot_should_show_no_buyer_of_the_list_or_the_drawer(
    cli: Callable[..., Any], sandbox: Oracle, browser: Browser, agent_settings: Settings, tmp_path: Path
) -> None:
    buyers = sandbox.postings(limit=1000)  # whichever the list shows behind the drawer: none may be readable
    control = ocr_text(list_shot(browser, agent_settings, tmp_path / "list.jpg"))
    assert any(buyer_data_found(control, b) for b in buyers), "OCR reads no buyer in the unmasked list"
    sandbox.set_label("ru", "drawer.edit_tracking", "Редактировать трек")

    result = cli("doctor", "--json")

    assert result.exit_code == 1, result.output
    shot = Path(next(c for c in json.loads(result.output) if c["check"] == "screenshot")["detail"])
    seen = ocr_text(shot)
    assert not {b["posting_number"]: found for b in buyers if (found := buyer_data_found(seen, b))}
