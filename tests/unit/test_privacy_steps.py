"""What the masking covers and leaves, step by step, on small real pages (the label table's words, in Russian).

Each page holds one thing the masking must tell apart: a posting's details laid out as a page section (their
fields masked, not the section; their items table left readable), a section naming a posting without its fields
(covered whole), a "not found" dialog and the tracking dialog (no buyer in them: left readable), a chat (its history
and the line naming the posting covered), and buyer names the agent already knows, short ones included.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pages.privacy import Box, personal_data_boxes

NUMBER = "48173252-0033-2"
FIELDS = """
<div><span>Трек-номер</span> <span id=tracking>RR473124829GB</span></div>
<div><span>Статус</span> <span>Доставляется</span></div>
<div><span>Покупатель</span> <span id=buyer>Иванов Иван</span></div>
<div><span>Телефон</span> <span id=phone>+7 900 000-00-00</span></div>
<div><span>Адрес доставки</span> <span id=address>Москва, Тверская 1</span></div>"""
ITEMS = """<table id=items><tr><th>Артикул</th><th>Количество</th></tr><tr><td>SKU-1</td><td>2</td></tr></table>"""


def covered(boxes: list[Box], page: Page, selector: str) -> bool:
    """Whether some box covers the element's centre."""
    rect = page.locator(selector).bounding_box()
    assert rect is not None, selector
    x, y = rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2
    return any(left <= x <= left + w and top <= y <= top + h for left, top, w, h in boxes)


def boxes_of(page: Page, body: str, known: tuple[str, ...] = ()) -> list[Box]:
    page.set_content(f'<body style="margin:0;font:16px sans-serif"><h1 id=app>Заказы</h1>{body}</body>')
    return personal_data_boxes(page, "ru", known)


def test_details_laid_out_as_a_page_section_should_have_their_fields_masked_and_their_items_left_readable(
    page: Page,
) -> None:
    boxes = boxes_of(page, f"<section id=details><h2>Отправление {NUMBER}</h2>{FIELDS}{ITEMS}</section>")
    assert all(covered(boxes, page, s) for s in ("#buyer", "#phone", "#address"))
    assert not covered(boxes, page, "#tracking"), "the section is found as the details: not covered whole"
    assert not covered(boxes, page, "#items"), "the items are no buyer's data"


def test_a_section_naming_a_posting_without_its_fields_should_be_covered_whole(page: Page) -> None:
    boxes = boxes_of(page, f"""<section id=details><h2>Отправление {NUMBER}</h2>
        <div><span>Получатель</span> <span>Иванов Иван</span></div></section>""")
    assert covered(boxes, page, "#details"), "where such a section ends cannot be told: the page around it goes too"


@pytest.mark.parametrize("dialog", [
    f"<h2>Отправление {NUMBER}</h2><p>Отправление не найдено</p>",
    "<h2>Трек-номер отправления</h2><label>Трек-номер <input></label><button>Сохранить</button>",
], ids=["not found", "tracking editor"])
def test_a_dialog_that_shows_no_buyer_should_be_left_readable(page: Page, dialog: str) -> None:
    boxes = boxes_of(page, f'<div role=dialog id=dialog style="width:400px;height:200px">{dialog}</div>')
    assert not covered(boxes, page, "#dialog")


def test_a_chat_should_have_its_history_and_the_line_naming_the_posting_covered(page: Page) -> None:
    boxes = boxes_of(page, f"""<p id=title>Отправление {NUMBER} · Иванов Иван</p>
        <div role=log id=log><p>Здравствуйте! Где мой заказ?</p></div><p id=other>Сообщение</p>""")
    assert covered(boxes, page, "#title") and covered(boxes, page, "#log")
    assert not covered(boxes, page, "#other") and not covered(boxes, page, "#app")


def test_a_known_buyer_name_of_three_characters_should_be_covered_and_shorter_strings_ignored(page: Page) -> None:
    boxes = boxes_of(page, "<p id=header>王小明 的订单</p><p id=fox>Лиса и Лилия</p>", known=("王小明", "Ли"))
    assert covered(boxes, page, "#header"), "a Chinese name is often three characters"
    assert not covered(boxes, page, "#fox"), "two letters would cover every word that holds them"
