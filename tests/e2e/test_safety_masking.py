"""Masking, checked on the images themselves: no buyer name, phone or postcode readable in any kept image.

Each check has its positive control: OCR of an unmasked screenshot of the same screen (taken by the test with
the agent's own browser settings) does read the buyer, so OCR finding nothing in the evidence means something.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from agent.core.browser.session import new_context
from agent.core.settings import Settings
from pages.posting_details import PostingDetails
from tests.conftest import Oracle
from tests.e2e.test_change import s10
from tests.evidence_check import assert_buyer_data_readable, assert_no_buyer_data, assert_still_evidence

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.every_skin]  # masking (OCR): on every front end


def evidence_of(settings: Settings) -> dict[str, Path]:
    """The evidence images of the only posting of the run, by name (``before``, ``after``, ``error``)."""
    with sqlite3.connect(settings.journal_path) as db:
        [(raw,)] = list(db.execute("SELECT evidence FROM items"))
    run_dir = next(settings.runs_dir.iterdir())
    return {Path(p).stem: run_dir / p for p in json.loads(raw) if p.endswith(".jpg")}


def unmasked_shot(browser: Browser, settings: Settings, number: str, path: Path, *, drawer_only: bool) -> Path:
    """What the agent saw, without masks: the posting's details (a drawer over its list, a page section), as the
    agent opens them."""
    context = new_context(browser, settings)
    try:
        page = context.new_page()
        page.goto(f"{settings.base_url}{settings.postings_path}?postingNumber={number}&postingDetails={number}")
        details = PostingDetails(page, number, settings.lang)
        details.wait_loaded()
        page.wait_for_load_state("networkidle")
        clip = details.root.bounding_box() if drawer_only else None
        page.screenshot(path=str(path), type="jpeg", quality=80, scale="css", animations="disabled", clip=clip)
    finally:
        context.close()
    return path


@pytest.mark.parametrize("lang", ["ru", "zh"], ids=["russian-portal", "chinese-portal"])
def test_change_evidence_should_show_no_buyer_data_readable_by_ocr(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, browser: Browser, tmp_path: Path, lang: str
) -> None:
    posting = sandbox.postings(editable=True, limit=20)[15 if lang == "ru" else 16]
    number = posting["posting_number"]

    new = s10(13_100_001 if lang == "ru" else 13_100_002)
    result = cli("change", number, new, env_extra={"OZON_RPA_LANG": lang})

    assert result.exit_code == 0, result.output
    buyer = sandbox.posting(number)
    control = unmasked_shot(browser, agent_settings.model_copy(update={"lang": lang}), number,
                            tmp_path / "unmasked.jpg", drawer_only=True)
    assert_buyer_data_readable(control, buyer)
    images = evidence_of(agent_settings)
    assert set(images) == {"before", "after"}
    for image in images.values():
        assert_no_buyer_data(image, buyer)
    for image in images.values():  # ... and still show what they are evidence of
        assert_still_evidence(image, number)


def test_error_evidence_with_the_drawer_open_should_show_no_buyer_data(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, browser: Browser, tmp_path: Path
) -> None:
    posting = sandbox.postings(editable=True, limit=20)[17]
    number = posting["posting_number"]
    # A save that does not stick fails after the read-back, with the drawer open: the error shot shows it.
    sandbox.configure(save_mismatch_rate=1.0, save_mismatch="drop")

    result = cli("change", number, s10(13_100_003))

    assert result.exit_code == 1, result.output
    buyer = sandbox.posting(number)
    control = unmasked_shot(browser, agent_settings, number, tmp_path / "unmasked.jpg", drawer_only=False)
    assert_buyer_data_readable(control, buyer)
    images = evidence_of(agent_settings)
    assert "error" in images
    for image in images.values():
        assert_no_buyer_data(image, buyer)
