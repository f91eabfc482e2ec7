"""A drawer still sliding in is masked where the picture shows it (checked on the pixels of a real screenshot).

Portals animate their drawers. The screenshot fast-forwards running animations, so boxes measured half-way
through a slide would be painted beside the fields they were meant to cover. The masking finishes finite
animations and transitions before it measures.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from playwright.sync_api import Page

from agent.core.evidence.pictures import MASK_COLOUR, Evidence, Masking
from pages.privacy import personal_data_boxes_and_details
from tests.evidence_check import pixels_of, red_pixels

NUMBER = "1-1"
#: The buyer's values in pure red: any red pixel left in the picture is personal data in clear.
PAGE = """
<body style="margin:0;font:bold 28px sans-serif;background:#fff">
  <div role=dialog id=drawer style="position:fixed;left:300px;top:0;width:500px;height:400px;background:#fff;
       transform:translateX(200px);transition:transform 20s linear">
    <h2>Отправление 1-1</h2>
    <div><span>Трек-номер</span> <span>RR473124829GB</span></div>
    <div style="display:flex;justify-content:space-between"><span>Покупатель</span>
      <span style="color:#f00">Петров Пётр</span></div>
    <div style="display:flex;justify-content:space-between"><span>Телефон</span>
      <span style="color:#f00">+7 900 000-00-00</span></div>
    <div style="display:flex;justify-content:space-between"><span>Адрес доставки</span>
      <span style="color:#f00">Москва, Тверская 1</span></div>
  </div>
</body>"""


def drawer_picture(page: Page, tmp_path: Path) -> Path:
    """The run's evidence picture of the drawer as the page shows it now, masked as a change masks it."""

    def masking() -> Masking:
        boxes, area = personal_data_boxes_and_details(page, "ru", NUMBER)
        return Masking(boxes, area)

    kept = Evidence(tmp_path).screenshot(page, "1-1", "before", masking)
    assert kept is not None
    return tmp_path / kept


def test_a_drawer_sliding_in_should_be_masked_where_the_picture_shows_it(page: Page, tmp_path: Path) -> None:
    page.set_content(PAGE)
    page.locator("#drawer").evaluate("d => { d.getBoundingClientRect(); d.style.transform = 'translateX(0)'; }")
    page.wait_for_function("document.getAnimations().length > 0")  # the slide has begun: 20 s to go

    kept = drawer_picture(page, tmp_path)

    assert page.locator("#drawer").bounding_box() == {"x": 300, "y": 0, "width": 500, "height": 400}
    assert Image.open(kept).width == 500  # the picture is of the drawer where it now is
    assert red_pixels(kept) == 0


def test_the_drawer_at_rest_should_show_its_red_values_unmasked_without_boxes(page: Page, tmp_path: Path) -> None:
    # The check above must be able to fail: the same picture without boxes has the red values in it.
    page.set_content(PAGE.replace("transform:translateX(200px);transition:transform 20s linear", ""))

    def area_only() -> Masking:
        _, area = personal_data_boxes_and_details(page, "ru", NUMBER)
        return Masking([], area)

    kept = Evidence(tmp_path).screenshot(page, "1-1", "before", area_only)

    assert kept is not None
    assert red_pixels(tmp_path / kept) > 100


def test_a_drawer_scrolled_partly_out_of_view_should_be_masked_where_the_picture_shows_it(
    page: Page, tmp_path: Path
) -> None:
    # A drawer in the page's flow, the window scrolled down: its top is above the viewport. The picture can
    # only start at the viewport's edge, and the boxes must be painted from there, not from the drawer's top.
    page.set_content(PAGE.replace("position:fixed;left:300px;top:0;width:500px;height:400px;",
                                  "position:absolute;left:300px;top:0;width:500px;height:900px;")
                     .replace("transform:translateX(200px);transition:transform 20s linear", "")
                     .replace('<h2>Отправление 1-1</h2>', '<h2 style="margin-bottom:300px">Отправление 1-1</h2>')
                     + '<div style="height:3000px"></div>')
    page.evaluate("window.scrollTo(0, 250)")
    drawer = page.locator("#drawer").bounding_box()
    assert drawer is not None and drawer["y"] < 0  # the drawer starts above the viewport

    kept = drawer_picture(page, tmp_path)

    assert red_pixels(kept) == 0


def test_a_drawer_moved_by_script_should_never_be_kept_with_its_fields_in_clear(page: Page, tmp_path: Path) -> None:
    # Some front ends animate with script, frame by frame: no CSS animation to finish, and the drawer moves
    # between the measuring and the picture. The picture is kept only when the page held still while it was
    # taken; otherwise it is taken again, and covered whole if the page never holds still.
    page.set_content(PAGE.replace("transform:translateX(200px);transition:transform 20s linear",
                                  "transform:translateX(300px)"))
    page.evaluate("""() => {
      const d = document.getElementById('drawer'), start = performance.now();
      const step = now => {
        const left = Math.max(0, 300 - (now - start) * 0.6);  // 0.6 px a millisecond: ~10 px a frame
        d.style.transform = `translateX(${left}px)`;
        if (left > 0) requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    }""")

    kept = drawer_picture(page, tmp_path)

    assert red_pixels(kept) == 0


def test_a_page_that_never_holds_still_should_be_covered_whole(page: Page, tmp_path: Path) -> None:
    page.set_content(PAGE.replace("transform:translateX(200px);transition:transform 20s linear", ""))
    page.evaluate("""() => {
      const d = document.getElementById('drawer');
      const step = now => {
        d.style.transform = `translateX(${Math.round(now / 5) % 200}px)`;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    }""")

    kept = drawer_picture(page, tmp_path)

    image = Image.open(kept).convert("RGB")
    picture = image.crop((0, 0, image.width, image.height - (6 * 2 + 17 * 3)))  # without the caption band
    pixels = pixels_of(picture)
    assert all(max(abs(a - b) for a, b in zip(p, MASK_COLOUR, strict=True)) <= 12 for p in pixels)
