"""Screenshots of the sandbox for the docs: the list, a posting's drawer and the tracking dialog, in ru and zh.

``OZON_RPA_UPDATE_SCREENSHOTS=1 pytest tests/e2e/test_screenshots.py`` rewrites ``docs/screenshots/``; without
it the same pictures go to a temporary folder and are only checked. The buyers shown are fake sandbox data.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pages.label_tables import LABELS
from tests.conftest import Oracle

pytestmark = [pytest.mark.e2e, pytest.mark.skins("classic")]  # the modern skin: test_screenshots_modern.py

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1440, "height": 900}
COOKIE = {"ru": "ru", "zh": "zh-Hans"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, from its header; fails for anything that is not a PNG."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE and head[12:16] == b"IHDR", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def shoot(page: Page, path: Path) -> Path:
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


@pytest.mark.parametrize("lang", ["ru", "zh"], ids=["russian", "chinese"])
def test_screenshots_should_show_the_list_the_drawer_and_the_dialog(
    new_context: Any, signed_in_state: Path, sandbox: Oracle, tmp_path: Path, lang: str
) -> None:
    folder = DOCS_SCREENSHOTS if os.environ.get("OZON_RPA_UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    lb = LABELS[lang]
    # One of the newest postings awaiting shipment (the top of that tab), editable, with a number, a carrier
    # and two items: the drawer then shows everything it can.
    newest = sorted(sandbox.postings(status="awaiting_deliver", limit=1000), key=lambda p: p["order_date"],
                    reverse=True)[:20]
    posting = next(p for p in newest if p["editable"] and p["tracking_number"] and p["carrier"]
                   and len(p["items"]) > 1)
    number = posting["posting_number"]
    context = new_context(storage_state=signed_in_state, viewport=VIEWPORT, locale="zh-CN" if lang == "zh" else lang,
                          timezone_id="Europe/Moscow")
    context.add_cookies([{"name": "lang", "value": COOKIE[lang], "url": sandbox.url}])
    page: Page = context.new_page()

    page.goto(f"{sandbox.url}/app/postings/crossborder/fbs?tab=awaiting_deliver")
    table = page.get_by_role("table", name=lb.postings_table, exact=True)
    expect(table).to_have_attribute("aria-busy", "false")
    expect(table.get_by_role("button", name=number, exact=True)).to_be_visible()
    shots = [shoot(page, folder / f"list-{lang}.png")]

    table.get_by_role("button", name=number, exact=True).click()
    drawer = page.get_by_role("dialog", name=lb.drawer_name.format(number), exact=True)
    expect(drawer.get_by_role("button", name=lb.edit_tracking)).to_be_visible()
    shots.append(shoot(page, folder / f"drawer-{lang}.png"))

    drawer.get_by_role("button", name=lb.edit_tracking).click()
    dialog = page.get_by_role("dialog", name=lb.tracking_dialog, exact=True)
    expect(dialog.get_by_label(lb.tracking_input, exact=True)).to_be_focused()
    shots.append(shoot(page, folder / f"dialog-{lang}.png"))

    for shot in shots:
        assert shot.stat().st_size > 10_000, f"{shot.name} looks empty"
        assert png_size(shot) == (VIEWPORT["width"], VIEWPORT["height"])
    assert sandbox.posting(number)["save_count"] == 0
