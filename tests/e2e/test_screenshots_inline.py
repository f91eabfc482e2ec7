"""Screenshots of the sandbox's inline front end for the docs: a posting's details and the in-place editor (ru).

``OZON_RPA_UPDATE_SCREENSHOTS=1 pytest tests/e2e/test_screenshots_inline.py`` rewrites
``docs/screenshots/inline-*.png``; without it the pictures go to a temporary folder and are only checked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import Oracle
from tests.e2e.test_screenshots import DOCS_SCREENSHOTS, VIEWPORT, png_size, shoot
from tests.sandbox.test_skin_inline import details, text

pytestmark = [pytest.mark.e2e, pytest.mark.skins("inline")]


def test_screenshots_should_show_the_inline_details_and_the_editor_in_place(
    new_context: Any, signed_in_state: Path, sandbox: Oracle, tmp_path: Path
) -> None:
    folder = DOCS_SCREENSHOTS if os.environ.get("OZON_RPA_UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    lang = "ru"
    newest = sorted(sandbox.postings(status="awaiting_deliver", limit=1000), key=lambda p: p["order_date"],
                    reverse=True)[:20]
    posting = next(p for p in newest if p["editable"] and p["tracking_number"] and p["carrier"]
                   and len(p["items"]) > 1)
    number = posting["posting_number"]
    context = new_context(storage_state=signed_in_state, viewport=VIEWPORT, locale="ru", timezone_id="Europe/Moscow")
    context.add_cookies([{"name": "lang", "value": "ru", "url": sandbox.url}])
    page: Page = context.new_page()

    page.goto(f"{sandbox.url}/app/postings/crossborder/fbs?tab=awaiting_deliver")
    page.get_by_role("link", name=number, exact=True).click()
    section = details(page, lang, number)
    expect(section.get_by_text(text(lang, "items.table"), exact=True)).to_be_visible()
    shots = [shoot(page, folder / "inline-details-ru.png")]

    # The editor in place, after a number the portal refuses: the message under the input, the row still a form.
    section.get_by_role("button", name=text(lang, "drawer.edit_tracking"), exact=True).click()
    section.get_by_role("textbox").fill("RR 1234#")
    section.get_by_role("button", name=text(lang, "dialog.save"), exact=True).click()
    expect(section.get_by_text(text(lang, "error.illegal_chars"), exact=True)).to_be_visible()
    shots.append(shoot(page, folder / "inline-editor-ru.png"))

    for shot in shots:
        assert shot.stat().st_size > 10_000, f"{shot.name} looks empty"
        assert png_size(shot) == (VIEWPORT["width"], VIEWPORT["height"])
    assert sandbox.posting(number)["save_count"] == 0
