"""Audit evidence: screenshots of each change (personal data masked) and traces of failures (0600)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from loguru import logger
from PIL import Image, ImageDraw
from playwright.sync_api import BrowserContext, Page, ViewportSize
from playwright.sync_api import Error as PlaywrightError

from agent.core.evidence.stamp import Stamp, save_stamped
from agent.core.i18n import _
from agent.core.secure_files import make_private

_UNSAFE = re.compile(r"[^\w.-]+")
#: A box to paint over, in CSS pixels of the viewport: x, y, width, height.
Box = tuple[float, float, float, float]
MASK_COLOUR = (31, 31, 31)
#: How many pictures to try before a page that keeps moving is covered whole.
STEADY_TRIES = 4


@dataclass(frozen=True)
class Masking:
    """What to paint over on the page as it is now, and which part of the page to keep."""

    #: The boxes to paint over; None covers the whole picture.
    boxes: list[Box] | None
    #: The part of the viewport to keep (an element's box); None keeps the whole viewport.
    area: Box | None = None


#: Works out the masking on the page as it is now; an error means "cover everything".
MaskSource = Callable[[], Masking]


def paint_over(jpeg: bytes, boxes: list[Box] | None, origin: tuple[float, float] = (0.0, 0.0)) -> Image.Image:
    """The image with ``boxes`` (viewport coordinates; the image starts at ``origin``) painted over.

    ``None`` covers the whole image: when we cannot tell where the personal data is, we keep none of it.
    """
    image: Image.Image = Image.open(BytesIO(jpeg))
    image.load()  # decoded now: drawing on a not-yet-loaded file image would decode it into a copy
    if image.mode != "RGB":  # Chromium's JPEGs are RGB already: no copy on the hot path
        image = image.convert("RGB")
    draw = ImageDraw.Draw(image)
    if boxes is None:
        draw.rectangle((0, 0, image.width, image.height), fill=MASK_COLOUR)
        return image
    for x, y, width, height in boxes:
        left, top = x - origin[0], y - origin[1]
        if width > 0 and height > 0:
            draw.rectangle((left, top, left + width, top + height), fill=MASK_COLOUR)
    return image


def _in_view(area: Box | None, viewport: ViewportSize | None) -> Box | None:
    """The part of ``area`` inside the viewport: where the picture really starts (None: the whole viewport).

    The screenshot cuts its clip to the viewport, so an area reaching above or left of it (a drawer the page
    scrolled up) makes a picture that starts at the viewport's edge; the boxes must be painted from there.
    """
    if area is None or viewport is None:
        return area
    left, top = max(area[0], 0.0), max(area[1], 0.0)
    right = min(area[0] + area[2], float(viewport["width"]))
    bottom = min(area[1] + area[3], float(viewport["height"]))
    if right <= left or bottom <= top:
        return None  # nothing of it shows: keep the whole viewport, every box painted
    return (left, top, right - left, bottom - top)


def masked_picture(page: Page, mask: MaskSource, posting: str, name: str) -> Image.Image | None:
    """A screenshot of the area ``mask`` names (else the viewport) with the boxes it names painted over.

    Fails closed: when the boxes cannot be worked out, the whole picture is covered (kept, but blank), never kept
    in clear. The masking is worked out again after the picture is taken, and the picture kept only when both
    agree: a page that moved meanwhile (an animation run by script) is taken again, and covered whole when it
    never holds still. ``posting`` and ``name`` name the picture in log lines. None when the screenshot failed
    (logged).
    """
    masking, tries = _masking(mask, posting, name), 1
    while True:
        area = _in_view(masking.area, page.viewport_size)
        shot = _capture(page, area, posting, name)
        if shot is None:
            return None
        if masking.boxes is None:
            break  # covered whole: nothing can be out of place
        after = _masking(mask, posting, name)
        if after == masking:
            break  # the page held still while it was taken
        if tries == STEADY_TRIES:
            logger.warning(_("{name} of {posting} kept moving while it was taken; covering it all", name=name,
                             posting=posting))
            masking = Masking(None, masking.area)
            break
        masking, tries = after, tries + 1
    return paint_over(shot, masking.boxes, (area[0], area[1]) if area else (0.0, 0.0))


def _masking(mask: MaskSource, posting: str, name: str) -> Masking:
    try:
        return mask()
    except Exception as err:  # noqa: BLE001 - whatever broke, the image must not show the buyer
        logger.warning(_("masking {name} of {posting} failed, covering it all: {why}", name=name,
                         posting=posting, why=str(err).splitlines()[0]))
        return Masking(None)


def _capture(page: Page, area: Box | None, posting: str, name: str) -> bytes | None:
    # A clip of the page rather than an element screenshot: a third cheaper, same pixels.
    clip = {"x": area[0], "y": area[1], "width": area[2], "height": area[3]} if area else None
    try:
        return page.screenshot(animations="disabled", caret="hide", scale="css", type="jpeg", quality=90,
                               clip=clip)  # type: ignore[arg-type]
    except PlaywrightError as err:
        logger.warning(_("screenshot {name} of {posting} failed: {why}", name=name, posting=posting,
                         why=str(err).splitlines()[0]))
        return None


class Evidence:
    """Screenshots and traces of one run, under ``STATE_DIR/runs/<run-id>/<posting>/``."""

    def __init__(self, run_dir: Path, *, screenshots: bool = True) -> None:
        self.run_dir = run_dir
        self.screenshots = screenshots
        run_dir.mkdir(parents=True, exist_ok=True)

    def folder(self, posting: str) -> Path:
        """The evidence folder of a posting (created on demand)."""
        # Only word characters, dots and dashes, and never "." or "..": a name the portal showed stays inside the run.
        path = self.run_dir / (_UNSAFE.sub("_", posting).strip(".") or "unknown")
        path.mkdir(parents=True, exist_ok=True)
        return path

    def screenshot(self, page: Page, posting: str, name: str, mask: MaskSource) -> str | None:
        """Save :func:`masked_picture` of the page, stamped; returns its path relative to the run folder.

        A caption band below the picture stamps it with the time, the portal's host and path, the posting, the
        run and the step (``name``): see :mod:`agent.core.evidence.stamp`.

        Evidence must never break a change: a failed screenshot is logged and skipped (None).
        """
        if not self.screenshots:
            return None
        picture = masked_picture(page, mask, posting, name)
        if picture is None:
            return None
        # JPEG: several times cheaper to encode than PNG on the hot path of a bulk run, and plenty for evidence.
        path = self.folder(posting) / f"{name}.jpg"
        save_stamped(picture, Stamp.now(page.url, posting, self.run_dir.name, name), path)
        return str(path.relative_to(self.run_dir))

    def start_trace(self, context: BrowserContext) -> None:
        """Start recording a trace chunk; it is kept only when the posting fails."""
        try:
            context.tracing.start_chunk()
        except PlaywrightError:
            # DOM snapshots make the trace useful; a screencast would double the CPU and memory of a run.
            context.tracing.start(screenshots=False, snapshots=True)
            context.tracing.start_chunk()

    def stop_trace(self, context: BrowserContext, posting: str, keep: bool) -> str | None:
        """Stop the trace chunk; on failure save it (mode 0600: traces hold cookies)."""
        try:
            if not keep:
                context.tracing.stop_chunk()
                return None
            path = self.folder(posting) / "trace.zip"
            context.tracing.stop_chunk(path=str(path))
        except PlaywrightError as err:
            logger.debug("trace of {} not kept: {}", posting, str(err).splitlines()[0])
            return None
        make_private(path)
        return str(path.relative_to(self.run_dir))
