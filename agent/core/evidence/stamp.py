"""The caption band burned into every evidence image, so that one image is evidence on its own.

Handed alone to Ozon support or an auditor, an image must say when it was taken (UTC and the operator's local
time), where (the portal's host and path: never the query or the fragment, which may carry codes or tokens),
of which posting, in which run, and at which step (before, after, error). The band is added below the picture,
never over it, so it hides nothing and masks nothing; the same text is kept in the JPEG's comment (UTF-8) so that
the report shows the stamp without reading pixels.

Its words (local, portal, posting, run, step, and the step itself) are in the operator's language; the values
(times, host and path, numbers, run id) are ASCII in every language, so they read the same anywhere and survive
OCR. Chinese and Russian words are written with a font of this computer that has their glyphs
(:mod:`agent.core.evidence.fonts`); where there is none, the stamp is burnt in English rather than as empty boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, ImageDraw, ImageFont

from agent.core.evidence.fonts import font_for
from agent.core.i18n import pgettext, ui_lang
from agent.core.vocabulary import evidence_label

BAND_COLOUR = (245, 246, 248)
TEXT_COLOUR = (20, 20, 20)
RULE_COLOUR = (180, 184, 190)
FONT_SIZE = 13
LINE_HEIGHT = 17
PADDING = 6


def where(url: str) -> str:
    """The host and path of ``url``, without user info, query or fragment (they may hold secrets)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path}" if host else ""


@dataclass(frozen=True)
class Stamp:
    """What one evidence image says about itself."""

    taken_at: datetime  # aware
    where: str
    posting: str
    run: str
    step: str

    @classmethod
    def now(cls, url: str, posting: str, run: str, step: str) -> Stamp:
        """A stamp for an image taken now of the page at ``url``."""
        return cls(datetime.now(UTC), where(url), posting, run, step)

    def lines(self, *, english: bool = False) -> list[str]:
        """The stamp's lines, as burned into the image: in the operator's language, or English."""
        words = _ENGLISH if english else _words()
        utc = self.taken_at.astimezone(UTC)
        local = self.taken_at.astimezone()
        offset = local.isoformat(timespec="seconds")[19:] or "+00:00"  # "+03:00": as ISO 8601 writes it
        step = self.step if english else evidence_label(self.step)
        return [
            f"{utc:%Y-%m-%d %H:%M:%S} UTC | {words['local']} {local:%Y-%m-%d %H:%M:%S} UTC{offset}",
            f"{words['portal']} {self.where or '-'}",
            f"{words['posting']} {self.posting} | {words['run']} {self.run} | {words['step']} {step}",
        ]

    def text(self, *, english: bool = False) -> str:
        """The stamp as one line of text (the JPEG comment, the report's caption)."""
        return " | ".join(self.lines(english=english))


_ENGLISH = {"local": "local", "portal": "portal", "posting": "posting", "run": "run", "step": "step"}


def _words() -> dict[str, str]:
    """The stamp's words in the operator's language."""
    return {"local": pgettext("stamp", "local"), "portal": pgettext("stamp", "portal"),
            "posting": pgettext("stamp", "posting"), "run": pgettext("stamp", "run"),
            "step": pgettext("stamp", "step")}


@cache  # loaded once: it is the same for every image
def _latin_font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=FONT_SIZE)  # Pillow's own scalable font: no system font needed
    except (OSError, TypeError):  # a Pillow without FreeType: the bitmap font still reads
        return ImageFont.load_default()


def stamp_lines_and_font(stamp: Stamp) -> tuple[list[str], ImageFont.FreeTypeFont | ImageFont.ImageFont]:
    """The lines to burn and the font that writes them: the operator's language when a font of this computer
    writes its words (English needs none), else English with Pillow's own font."""
    if ui_lang() == "en":
        return stamp.lines(english=True), _latin_font()
    own_words = " ".join([*_words().values(), *(evidence_label(s) for s in ("before", "after", "error"))])
    font = font_for(own_words, FONT_SIZE)
    if font is None:
        return stamp.lines(english=True), _latin_font()
    return stamp.lines(), font


def burn(image: Image.Image, stamp: Stamp) -> Image.Image:
    """``image`` with the stamp's band added below it (the picture itself is untouched)."""
    return _burn(image, *stamp_lines_and_font(stamp))


def _burn(image: Image.Image, lines: list[str], font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> Image.Image:
    band = PADDING * 2 + LINE_HEIGHT * len(lines)
    stamped = Image.new("RGB", (image.width, image.height + band), BAND_COLOUR)
    stamped.paste(image, (0, 0))
    draw = ImageDraw.Draw(stamped)
    draw.line((0, image.height, image.width, image.height), fill=RULE_COLOUR, width=1)
    for n, line in enumerate(lines):
        draw.text((PADDING, image.height + PADDING + n * LINE_HEIGHT), line, fill=TEXT_COLOUR, font=font)
    return stamped


def save_stamped(image: Image.Image, stamp: Stamp, path: Path, quality: int = 80) -> None:
    """Burn the stamp in and save a JPEG whose comment carries the same text (UTF-8)."""
    lines, font = stamp_lines_and_font(stamp)
    _burn(image, lines, font).save(path, "JPEG", quality=quality, comment=" | ".join(lines).encode("utf-8"))


def read_stamp(path: Path) -> str:
    """The stamp kept in an evidence image's comment ("" for an image without one or a file that is not one)."""
    try:
        with Image.open(path) as image:
            comment = image.info.get("comment", b"")
    except OSError:
        return ""
    return comment.decode("utf-8", "replace") if isinstance(comment, bytes) else str(comment)
