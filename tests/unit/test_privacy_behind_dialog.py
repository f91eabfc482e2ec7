"""A picture of a dialog masks what shows in it, and not what the dialog hides (checked on a real page).

The page is a list with a buyer column and a drawer-like dialog over it. The list's buyer cell lies under the
dialog: when the dialog is opaque, that cell is not in the dialog's picture and its box must not blot out the
dialog's own words; when anything lets it show through (a translucent dialog, a transparent background, a
cell sticking out from under it), its box stays. The dialog's own buyer fields are always masked.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pages.privacy import Box, personal_data_boxes_and_details

NUMBER = "1-1"
PAGE = """
<body style="margin:0;font:16px sans-serif">
  <table style="position:absolute;left:0;top:0;width:900px">
    <tr><th>Номер отправления</th><th>Покупатель</th></tr>
    <tr><td>1-1</td><td id=cell style="padding-left:{cell_left}px">Иванов Иван</td></tr>
  </table>
  <div role=dialog style="position:absolute;left:300px;top:0;width:500px;height:400px;{dialog_style}">
    <h2>Отправление 1-1</h2>
    <div><span>Трек-номер</span> <span>RR473124829GB</span></div>
    <div><span>Покупатель</span> <span id=buyer>Петров Пётр</span></div>
    <div><span>Телефон</span> <span id=phone>+7 900 000-00-00</span></div>
    <div><span>Адрес доставки</span> <span id=address>Москва, Тверская 1</span></div>
  </div>
</body>"""


def boxes_on(page: Page, dialog_style: str, cell_left: int = 400) -> tuple[list[Box], Box | None]:
    page.set_content(PAGE.format(dialog_style=dialog_style, cell_left=cell_left))
    return personal_data_boxes_and_details(page, "ru", NUMBER)


def covers(boxes: list[Box], page: Page, selector: str) -> bool:
    """Whether some box covers the element's centre."""
    rect = page.locator(selector).bounding_box()
    assert rect is not None
    x, y = rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2
    return any(left <= x <= left + w and top <= y <= top + h for left, top, w, h in boxes)


def test_a_cell_hidden_behind_an_opaque_dialog_should_not_be_painted_on_its_picture(page: Page) -> None:
    boxes, area = boxes_on(page, "background:#fff")

    assert area == (300.0, 0.0, 500.0, 400.0)
    assert not covers(boxes, page, "#cell")
    assert all(covers(boxes, page, s) for s in ("#buyer", "#phone", "#address"))


@pytest.mark.parametrize("dialog_style", [
    "background:#fff;opacity:0.9",
    "background:rgba(255,255,255,0.8)",
    "background:transparent",
    "background:#fff;mix-blend-mode:multiply",
], ids=["translucent", "translucent-background", "no-background", "blended"])
def test_a_cell_that_may_show_through_the_dialog_should_keep_its_box(page: Page, dialog_style: str) -> None:
    boxes, _ = boxes_on(page, dialog_style)

    assert covers(boxes, page, "#cell")


def test_a_cell_under_something_laid_over_the_dialog_should_keep_its_box(page: Page) -> None:
    # An element of the page (not of the dialog) laid over the dialog where the cell lies: whatever it shows or
    # lets through is in the dialog's picture, so the cell is not provably hidden.
    page.set_content(PAGE.format(dialog_style="background:#fff", cell_left=400)
                     + '<div style="position:absolute;left:390px;top:20px;width:300px;height:40px;z-index:5"></div>')

    boxes, _ = personal_data_boxes_and_details(page, "ru", NUMBER)

    assert covers(boxes, page, "#cell")


def test_without_the_dialog_every_box_should_stay_and_the_picture_be_the_whole_page(page: Page) -> None:
    page.set_content(PAGE.format(dialog_style="background:#fff", cell_left=400))

    boxes, area = personal_data_boxes_and_details(page, "ru", "9-9")

    assert area is None
    assert covers(boxes, page, "#cell")


@pytest.mark.parametrize("content", [
    # a web component: its fields live in its shadow root, outside the page's own tree
    '<div id=unreadable></div><script>document.getElementById("unreadable").attachShadow({mode: "open"})'
    '.innerHTML = "<div><span>Покупатель</span> <span>Сидоров Сидор</span></div>";</script>',
    # another document in a frame
    '<iframe id=unreadable style="width:400px;height:100px" '
    'srcdoc="<div><span>Покупатель</span> <span>Сидоров Сидор</span></div>"></iframe>',
], ids=["shadow-root", "frame"])
def test_what_the_masking_cannot_read_should_be_covered_whole(page: Page, content: str) -> None:
    page.set_content(f'<body style="margin:0;font:16px sans-serif">{content}</body>')

    boxes, area = personal_data_boxes_and_details(page, "ru", NUMBER)

    assert area is None
    assert covers(boxes, page, "#unreadable")
