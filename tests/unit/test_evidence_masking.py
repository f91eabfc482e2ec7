"""Evidence images fail closed: checked on the pixels of real screenshots of a real page.

The page is a plain card holding a buyer's name on a bright background; the evidence code is given either a
masking that names an area and a box, or a masking source that breaks.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, Page

from agent.core.evidence.pictures import MASK_COLOUR, Evidence, Masking, paint_over
from agent.core.evidence.stamp import FONT_SIZE
from tests.evidence_check import pixels_of

CARD = """
<body style="margin:0;background:#fff">
  <div id=card style="position:absolute;left:100px;top:50px;width:300px;height:200px;background:#ffd400">
    <p id=buyer style="margin:20px;font-size:20px">Иванов Иван</p>
  </div>
</body>"""


def picture(path: Path) -> Image.Image:
    """The screenshot without the caption band burned in below it."""
    image = Image.open(path).convert("RGB")
    band = 6 * 2 + 17 * 3  # the stamp's band: padding and three lines
    assert FONT_SIZE < band
    return image.crop((0, 0, image.width, image.height - band))


def share_of(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 12) -> float:
    pixels = pixels_of(image)
    close = sum(1 for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, colour, strict=True)))
    return close / len(pixels)


def test_a_masking_source_that_breaks_should_cover_the_whole_picture(page: Page, tmp_path: Path) -> None:
    page.set_content(CARD)

    def broken() -> Masking:
        raise RuntimeError("the page could not be read")

    kept = Evidence(tmp_path).screenshot(page, "1-1", "before", broken)

    assert kept is not None
    assert share_of(picture(tmp_path / kept), MASK_COLOUR) == 1.0  # every pixel: not a strip left at an edge


def test_an_area_should_be_the_picture_and_its_boxes_painted_where_they_are_on_the_page(
    page: Page, tmp_path: Path
) -> None:
    page.set_content(CARD)
    card = page.locator("#card").bounding_box()
    buyer = page.locator("#buyer").bounding_box()
    assert card is not None and buyer is not None
    area = (card["x"], card["y"], card["width"], card["height"])
    box = (buyer["x"], buyer["y"], buyer["width"], buyer["height"])

    kept = Evidence(tmp_path).screenshot(page, "1-1", "after", lambda: Masking([box], area))

    assert kept is not None
    image = picture(tmp_path / kept)
    assert image.size == (300, 200)
    # The name's line (page coordinates moved to the picture's) is painted over; the rest of the card shows.
    left, top = int(box[0] - area[0]), int(box[1] - area[1])
    name = image.crop((left + 2, top + 2, left + int(box[2]) - 2, top + int(box[3]) - 2))
    assert share_of(name, MASK_COLOUR) > 0.95  # JPEG blurs the edges a little
    assert share_of(image, (255, 212, 0)) > 0.6


def test_on_a_high_density_screen_the_boxes_should_still_cover_the_name(browser: Browser, tmp_path: Path) -> None:
    # Boxes are measured in CSS pixels; a screenshot in device pixels (twice as many here) would put each box
    # at half its place and size, and leave most of the name in clear.
    context = browser.new_context(device_scale_factor=2, viewport={"width": 800, "height": 400})
    try:
        page = context.new_page()
        page.set_content(CARD)
        buyer = page.locator("#buyer").bounding_box()
        assert buyer is not None
        box = (buyer["x"], buyer["y"], buyer["width"], buyer["height"])

        kept = Evidence(tmp_path).screenshot(page, "1-1", "after", lambda: Masking([box]))
    finally:
        context.close()

    assert kept is not None
    image = picture(tmp_path / kept)
    assert image.size == (800, 400)  # CSS pixels, as the boxes are
    name = image.crop((int(box[0]) + 2, int(box[1]) + 2, int(box[0] + box[2]) - 2, int(box[1] + box[3]) - 2))
    assert share_of(name, MASK_COLOUR) > 0.95


def test_a_screenshot_that_is_not_rgb_should_be_masked_too(tmp_path: Path) -> None:
    grey = Image.new("L", (200, 100), 255)
    data = tmp_path / "grey.jpg"
    grey.save(data, "JPEG")

    image = paint_over(data.read_bytes(), [(20.0, 20.0, 100.0, 40.0)])

    assert image.mode == "RGB"
    assert share_of(image.crop((22, 22, 118, 58)), MASK_COLOUR) == 1.0
    assert share_of(image.crop((130, 0, 200, 100)), (255, 255, 255)) == 1.0


def test_each_posting_should_get_its_own_folder_inside_the_run(tmp_path: Path) -> None:
    evidence = Evidence(tmp_path / "run")

    folders = [evidence.folder(name) for name in ("12345678-0001-1", "12345678-0002-1", "..", "../../etc", "", ".")]

    assert [f.name for f in folders[:2]] == ["12345678-0001-1", "12345678-0002-1"]
    assert all(f.parent == tmp_path / "run" for f in folders)
    assert folders[3].name == "_.._etc"
    assert {f.name for f in (folders[2], folders[4], folders[5])} == {"unknown"}


def test_an_area_out_of_view_should_give_the_whole_viewport_with_its_boxes(page: Page, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 640, "height": 360})
    page.set_content(CARD)
    buyer = page.locator("#buyer").bounding_box()
    assert buyer is not None
    box = (buyer["x"], buyer["y"], buyer["width"], buyer["height"])

    kept = Evidence(tmp_path).screenshot(page, "1-1", "after", lambda: Masking([box], (-900.0, -900.0, 300.0, 200.0)))

    assert kept is not None
    image = picture(tmp_path / kept)
    assert image.size == (640, 360)
    name = image.crop((int(box[0]) + 2, int(box[1]) + 2, int(box[0] + box[2]) - 2, int(box[1] + box[3]) - 2))
    assert share_of(name, MASK_COLOUR) > 0.95
