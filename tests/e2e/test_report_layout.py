"""The run report as an auditor reads it, measured in a real Chromium at 1280x800 (never by timing): compact rows
(about eight postings to a screen), headers that wrap only between words, thumbnails that open the full picture,
the stamp once per picture, approvals and counts at the top, and a print layout that fits an A4 landscape page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page

from agent.bulk.plan import Plan
from agent.bulk.report import write_report
from agent.bulk.results import ResultRow
from agent.core import i18n
from agent.core.evidence.stamp import Stamp, save_stamped
from agent.core.journal.rows import RunRecord
from agent.core.records import Outcome

pytestmark = pytest.mark.e2e

ROWS = 40
SCREEN = {"width": 1280, "height": 800}
#: A4 landscape less the print stylesheet's 10 mm margins, in CSS pixels (96 per inch).
PRINTABLE_WIDTH = round((297 - 20) / 25.4 * 96)
LONG_REASON = ("changed since the plan: planned to replace LP19520348050355, now shows RA123456785CN; "
               "the posting was edited in the portal by another operator after the plan was approved")


@pytest.fixture
def speak() -> Iterator[None]:
    yield
    i18n.set_ui_lang("en")


def drawer_picture(number: str) -> Image.Image:
    """A stand-in for a posting's drawer, the size the agent keeps (560x900)."""
    picture = Image.new("RGB", (560, 900), "white")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, 559, 60), fill=(240, 242, 245))
    draw.text((20, 20), f"Posting {number}", fill=(20, 20, 20))
    for n in range(12):
        draw.text((20, 100 + 40 * n), f"field {n}", fill=(90, 90, 90))
    return picture


def run_folder(tmp_path: Path) -> Path:
    """A finished run of ``ROWS`` postings: two stamped pictures each, some rejections with long reasons."""
    run_dir = tmp_path / "runs" / "20261128-074012-bulk-1a2b"
    rows = []
    moment = datetime(2026, 11, 28, 7, 40, 12, tzinfo=UTC)
    for n in range(ROWS):
        number = f"{48173252 + n}-0033-{1 + n % 3}"
        evidence = []
        if n % 7 != 3:
            for step in ("before", "after"):
                path = run_dir / number / f"{step}.jpg"
                path.parent.mkdir(parents=True, exist_ok=True)
                stamp = Stamp(moment + timedelta(seconds=n), "seller.ozon.ru/app/postings/fbs", number, run_dir.name,
                              step)
                save_stamped(drawer_picture(number), stamp, path)
                evidence.append(f"{number}/{step}.jpg")
        rejected = n % 7 == 3
        rows.append(ResultRow(
            row_number=n + 2, posting_number=number, old_tracking="LP19520348050355" if n % 2 else "",
            new_tracking=f"RR{473124829 + n}CN", carrier="china_post", attempts=1 + n % 2,
            outcome=Outcome.REJECTED if rejected else Outcome.CHANGED,
            reason=LONG_REASON if rejected else "物流商换单", evidence=evidence, notified="sent" if n % 5 == 0 else ""))
    run = RunRecord(id=run_dir.name, kind="bulk", started_at="2026-11-28T07:40:00.000+00:00",
                    finished_at="2026-11-28T07:52:10.000+00:00", status="done", operator="li.wei",
                    approved_by="anna.petrova", base_url="https://seller.ozon.ru", source="changes.xlsx",
                    plan_hash="9f" * 32)
    write_report(run_dir, run, rows, plan=Plan(created_by="li.wei").seal())
    return run_dir


@pytest.fixture(params=["zh", "ru"])
def report(request: pytest.FixtureRequest, tmp_path: Path, page: Page, speak: None) -> Page:
    """The report of a run of 40 postings, in the operator's language, open at 1280x800."""
    i18n.set_ui_lang(request.param)
    run_dir = run_folder(tmp_path)
    page.set_viewport_size(SCREEN)
    page.goto((run_dir / "report.html").as_uri())
    page.wait_for_function("[...document.images].filter(i => i.classList.contains('small'))"
                           ".every(i => i.complete && i.naturalWidth > 0)")
    return page


def test_rows_should_be_compact_enough_for_eight_postings_to_a_screen(report: Page) -> None:
    heights = report.eval_on_selector_all("tbody tr", "rows => rows.map(r => r.getBoundingClientRect().height)")

    assert len(heights) == ROWS
    assert SCREEN["height"] / median(heights) >= 8, f"rows of {median(heights):.0f} px"
    assert max(heights) <= 110, f"the tallest row (a long reason, two pictures) is {max(heights):.0f} px"
    width = report.evaluate("document.documentElement.scrollWidth")
    assert width <= SCREEN["width"], f"the page is {width} px wide: the table does not fit the screen"


def test_no_header_should_wrap_inside_a_word(report: Page) -> None:
    """Each header is at least as wide as its longest word (a Chinese header is one word) and at most two lines."""
    headers = report.evaluate("""() => [...document.querySelectorAll('thead th')].map(th => {
        const style = getComputedStyle(th);
        const probe = document.createElement('span');
        probe.style.cssText = `font: ${style.font}; letter-spacing: ${style.letterSpacing}; white-space: nowrap;
                               position: absolute; visibility: hidden`;
        document.body.appendChild(probe);
        const words = th.innerText.split(/\\s+/).filter(Boolean).map(word => {
            probe.textContent = word; return [word, probe.getBoundingClientRect().width]; });
        probe.remove();
        const inner = th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const lines = th.getBoundingClientRect().height / parseFloat(style.lineHeight);
        return {text: th.innerText, inner, words, lines};
    })""")

    assert len(headers) == 9
    for header in headers:
        for word, width in header["words"]:
            assert header["inner"] + 0.5 >= width, f"{header['text']!r}: {word!r} ({width:.0f} px) is cut"
        assert header["lines"] <= 2.9, f"{header['text']!r} takes {header['lines']:.1f} lines"


def test_each_thumbnail_should_be_a_link_that_opens_the_full_picture(report: Page) -> None:
    thumbnails = report.locator("a.thumb")
    assert thumbnails.count() == 2 * (ROWS - len(range(3, ROWS, 7)))
    first = thumbnails.first
    shown = first.locator("img.small").bounding_box()
    assert shown is not None and shown["width"] <= 130 and shown["height"] <= 80, "a thumbnail, not the picture"
    href = first.get_attribute("href")
    assert href is not None and href == first.locator("img.small").get_attribute("src")

    with report.context.expect_page() as opened:
        first.click()
    full = opened.value
    full.wait_for_load_state()
    assert full.url.endswith(href)
    size = full.evaluate("[document.images[0].naturalWidth, document.images[0].naturalHeight]")
    assert size[0] == 560 and size[1] > 900, f"the full picture with its stamp band, not a thumbnail: {size}"


def test_the_stamp_should_be_shown_once_per_picture_not_as_a_paragraph(report: Page) -> None:
    text = report.evaluate("document.body.innerText")
    run_id = "20261128-074012-bulk-1a2b"
    assert text.count(run_id) == 1, "the run id once, in the header; never repeated under each picture"
    first = report.locator("a.thumb").first
    title = first.get_attribute("title") or ""
    assert run_id in title and "48173252-0033-1" in title and "UTC" in title, "the stamp, as the tooltip"
    caption = first.locator(".cap").inner_text()
    assert len(caption) <= 20 and re.search(r"\d\d:\d\d:\d\d", caption), f"a short caption: {caption!r}"


def test_counts_and_approvals_should_be_at_the_top_of_the_first_screen(report: Page) -> None:
    table_top = report.locator("table").bounding_box()
    approved = report.locator("[data-field=approved_by]")
    counts = report.locator(".counts")
    name, _, note = approved.inner_text().partition(" (")
    assert name == "anna.petrova" and note, "the typed name, and a note that it is not signed"
    for part in (approved, counts):
        box = part.bounding_box()
        assert box is not None and table_top is not None
        assert box["y"] + box["height"] <= table_top["y"] and box["y"] + box["height"] <= 300
    assert report.locator("[data-outcome=changed] b").first.inner_text() == str(ROWS - len(range(3, ROWS, 7)))


def test_print_should_fit_an_a4_landscape_page_without_the_hover_previews(report: Page) -> None:
    report.emulate_media(media="print")
    report.set_viewport_size({"width": PRINTABLE_WIDTH, "height": 700})

    width = report.evaluate("document.documentElement.scrollWidth")
    assert width <= PRINTABLE_WIDTH, f"{width} px wide on a {PRINTABLE_WIDTH} px page"
    assert report.evaluate("getComputedStyle(document.querySelector('thead')).display") == "table-header-group"
    previews_hidden = "[...document.querySelectorAll('img.peek')].every(i => getComputedStyle(i).display == 'none')"
    assert report.evaluate(previews_hidden)
    pdf = report.pdf(prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 < pages <= ROWS // 8 + 1, f"{pages} pages for {ROWS} postings"
