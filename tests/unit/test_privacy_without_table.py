"""A postings list laid out without a table: its buyer column is covered anyway (real page, pixels and OCR).

UI kits often draw a list with boxes instead of a ``<table>`` (CSS grid or flex rows with hashed class names, no
ARIA roles): the masking then finds no table with a «Покупатель» column, and a buyer name in a row stands beside no
label. Its fail-closed step covers the area around such a header that shows the list: the header line and the rows
under it. The buyer names are written in pure red, so every red pixel left in the picture is a name in clear; OCR
reads the names in the unmasked picture (the control) and none of them in the evidence.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from agent.core.evidence.pictures import Evidence, Masking
from pages.privacy import personal_data_boxes
from tests.evidence_check import ocr_text, red_pixels

BUYERS = ["Смирнова Анастасия", "Кузнецов Дмитрий", "Попова Екатерина", "Волков Александр", "Соколова Мария"]
NUMBERS = ["48173252-0033-2", "48173252-0034-1", "51034821-0002-1", "62017734-0011-3", "70012245-0007-1"]
HEADERS = ["Номер отправления", "Дата", "Покупатель", "Статус", "Трек-номер"]
COLUMNS = "display:grid;grid-template-columns:190px 110px 230px 150px 170px;column-gap:12px"


def _row_cells(i: int) -> str:
    name = f'<span style="color:#f00;font-weight:bold">{BUYERS[i]}</span>'
    return (f"<div>{NUMBERS[i]}</div><div>0{i + 1}.12.2026</div><div>{name}</div>"
            f"<div>Доставляется</div><div>RR47312482{i}GB</div>")


def header_row_above_rows() -> str:
    """A header line in a box of its own, each posting a box of its own below it (a virtualised list)."""
    head = "".join(f"<div>{h}</div>" for h in HEADERS)
    rows = "".join(f'<div class="vlist-module_row__p1Xk" style="{COLUMNS};padding:10px 0;border-top:1px solid #ddd">'
                   f"{_row_cells(i)}</div>" for i in range(len(BUYERS)))
    return (f'<div class="vlist-module_head__k2Qz" style="{COLUMNS};color:#667;padding:8px 0">{head}</div>'
            f'<div class="vlist-module_body__m0Tr">{rows}</div>')


def one_grid_of_cells() -> str:
    """Headers and cells all children of one grid (five columns), as a CSS-grid list draws them."""
    cells = "".join(f"<div>{h}</div>" for h in HEADERS) + "".join(_row_cells(i) for i in range(len(BUYERS)))
    return f'<div class="grid-module_grid__z8Wd" style="{COLUMNS};row-gap:14px">{cells}</div>'


def page_with(list_html: str) -> str:
    return f"""
<body style="margin:0;font:16px/1.4 Arial, sans-serif;background:#fff;color:#111">
  <div style="padding:12px 24px;background:#005bff;color:#fff;font-size:18px">Заказы FBS</div>
  <div style="padding:12px 24px"><span style="margin-right:24px">Все</span><span>Ожидают отгрузки</span></div>
  <main style="padding:0 24px">{list_html}</main>
</body>"""


LAYOUTS = {"header row above rows": header_row_above_rows, "one grid of cells": one_grid_of_cells}


@pytest.mark.parametrize("layout", list(LAYOUTS), ids=list(LAYOUTS))
def test_a_buyer_column_laid_out_without_a_table_should_be_covered_in_the_picture(page: Page, tmp_path: Path,
                                                                                  layout: str) -> None:
    page.set_viewport_size({"width": 1100, "height": 500})
    page.set_content(page_with(LAYOUTS[layout]()))
    clear = tmp_path / "unmasked.png"
    page.screenshot(path=str(clear))
    seen = ocr_text(clear).casefold()
    assert red_pixels(clear) > 1000 and all(b.split()[0].casefold() in seen for b in BUYERS), \
        "the control: the names show, and OCR reads them, in the picture as the page shows it"

    masking = lambda: Masking(personal_data_boxes(page, "ru"))  # noqa: E731 - what the change scenario hands over
    kept = Evidence(tmp_path / "run").screenshot(page, "list", "before", masking)

    assert kept is not None
    evidence = tmp_path / "run" / kept
    assert red_pixels(evidence) == 0, "a buyer's name left in clear"
    read = ocr_text(evidence).casefold()
    assert not [w for b in BUYERS for w in b.split() if w.casefold() in read], read
    assert "заказы fbs" in read, "the page around the list stays readable: not the whole picture covered"
