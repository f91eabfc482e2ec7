"""The change scenario's evidence paints over the buyer's name and address wherever they show, labelled or not.

A front end may name the buyer again without a label (a drawer header, a notice). The masking finds values beside
their labels; the scenario also hands it the name and address it just read, so those are covered anywhere, in the
picture taken with that read and in an error picture after it. Checked on the pixels of real screenshots.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from playwright.sync_api import Page

from agent.core.evidence.pictures import MASK_COLOUR, Evidence
from agent.core.journal.store import Journal
from agent.core.records import PostingSnapshot
from agent.core.settings import Settings
from pages.posting_details import PostingDetails
from scenarios.change_job import ChangeJob, shot
from scenarios.portal import Portal
from tests.evidence_check import pixels_of, red_pixels

#: The buyer's name and address in pure red: any red pixel left in the picture is personal data in clear.
PAGE = """
<body style="margin:0;font:bold 24px sans-serif;background:#fff">
  <div role=dialog style="position:fixed;left:100px;top:0;width:600px;height:500px;background:#fff">
    <h2>Отправление 1-1</h2>
    <div>
    <p style="color:#f00">Петров Пётр · Москва, Тверская 1</p>
    <div><span>Покупатель</span> <span style="color:#f00">Петров Пётр</span></div>
    <div><span>Телефон</span> <span style="color:#f00">+7 900 000-00-00</span></div>
    <div><span>Адрес доставки</span> <span style="color:#f00">Москва, Тверская 1</span></div>
    <div><span>Трек-номер</span> <span>RR123456785CN</span></div>
    </div>
  </div>
</body>"""


def mask_share(image: Image.Image) -> float:
    pixels = pixels_of(image)
    return sum(1 for p in pixels if max(abs(a - b) for a, b in zip(p, MASK_COLOUR, strict=True)) <= 12) / len(pixels)


def job_on(page: Page, tmp_path: Path) -> ChangeJob:
    settings = Settings(base_url="http://127.0.0.1:9", state_dir=tmp_path / "state", _env_file=None)
    return ChangeJob(Portal(page, settings, None), Journal(tmp_path / "journal.sqlite"), Evidence(tmp_path / "run"),
                     "run", 0)


def test_the_buyer_named_without_a_label_should_be_painted_over_with_the_read_and_after_it(
    page: Page, tmp_path: Path
) -> None:
    page.set_content(PAGE)
    job = job_on(page, tmp_path)
    read = PostingSnapshot(posting_number="1-1", buyer="Петров Пётр", address="Москва, Тверская 1")
    kept: list[str] = []

    job.remember_buyer(read)
    shot(job, "1-1", "before", PostingDetails(page, "1-1"), kept)
    job.remember_buyer(PostingSnapshot(posting_number="1-1"))  # a later read that missed them (half drawn)
    shot(job, "1-1", "error", None, kept)  # the earlier read's name and address still count

    assert [Path(path).name for path in kept] == ["before.jpg", "error.jpg"]
    assert [red_pixels(tmp_path / "run" / path) for path in kept] == [0, 0]
    # ... and each is still a picture: the drawer alone for the step, the page for the error, neither covered
    # whole. Only what shows the name is painted over, not the drawer that holds it (two children, as many have).
    drawer, whole = (Image.open(tmp_path / "run" / path).convert("RGB") for path in kept)
    assert drawer.width == 600 and whole.width == (page.viewport_size or {"width": 0})["width"]
    assert mask_share(drawer) < 0.3 and mask_share(whole) < 0.3


def test_without_the_read_the_unlabelled_name_would_show(page: Page, tmp_path: Path) -> None:
    # The check above must be able to fail: the labels alone leave the header's name in clear.
    page.set_content(PAGE)
    kept: list[str] = []

    shot(job_on(page, tmp_path), "1-1", "before", PostingDetails(page, "1-1"), kept)

    assert red_pixels(tmp_path / "run" / kept[0]) > 100
