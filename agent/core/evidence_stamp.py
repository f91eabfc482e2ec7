"""The caption band burned into every evidence image, so that one image is evidence on its own.

Handed alone to Ozon support or an auditor, an image must say when it was taken (UTC and the operator's local
time), where (the portal's host and path: never the query or the fragment, which may carry codes or tokens),
of which posting, in which run, and at which step (before, after, error). The band is added below the picture,
never over it, so it hides nothing and masks nothing; the same text is kept in the JPEG's comment so that the
report shows the stamp without reading pixels.

The stamp is ASCII on purpose: it must read the same in every language and every font, and survive OCR.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, ImageDraw, ImageFont

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

    def lines(self) -> list[str]:
        """The stamp's lines, as burned into the image."""
        utc = self.taken_at.astimezone(UTC)
        local = self.taken_at.astimezone()
        offset = local.isoformat(timespec="seconds")[19:] or "+00:00"  # "+03:00": as ISO 8601 writes it
        return [
            f"{utc:%Y-%m-%d %H:%M:%S} UTC | local {local:%Y-%m-%d %H:%M:%S} UTC{offset}",
            f"portal {self.where or '-'}",
            f"posting {self.posting} | run {self.run} | step {self.step}",
        ]

    def text(self) -> str:
        """The stamp as one line of text (the JPEG comment, the report's caption)."""
        return " | ".join(self.lines())


@cache  # loaded once: it is the same for every image
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=FONT_SIZE)  # Pillow's own scalable font: no system font needed
    except (OSError, TypeError):  # a Pillow without FreeType: the bitmap font still reads
        return ImageFont.load_default()


def burn(image: Image.Image, stamp: Stamp) -> Image.Image:
    """``image`` with the stamp's band added below it (the picture itself is untouched)."""
    lines = stamp.lines()
    band = PADDING * 2 + LINE_HEIGHT * len(lines)
    stamped = Image.new("RGB", (image.width, image.height + band), BAND_COLOUR)
    stamped.paste(image, (0, 0))
    draw = ImageDraw.Draw(stamped)
    draw.line((0, image.height, image.width, image.height), fill=RULE_COLOUR, width=1)
    font = _font()
    for n, line in enumerate(lines):
        draw.text((PADDING, image.height + PADDING + n * LINE_HEIGHT), line, fill=TEXT_COLOUR, font=font)
    return stamped


def save_stamped(image: Image.Image, stamp: Stamp, path: Path, quality: int = 80) -> None:
    """Burn the stamp in and save a JPEG whose comment carries the same text."""
    burn(image, stamp).save(path, "JPEG", quality=quality, comment=stamp.text().encode("ascii", "replace"))


def read_stamp(path: Path) -> str:
    """The stamp kept in an evidence image's comment ("" for an image without one or a file that is not one)."""
    try:
        with Image.open(path) as image:
            comment = image.info.get("comment", b"")
    except OSError:
        return ""
    return comment.decode("ascii", "replace") if isinstance(comment, bytes) else str(comment)
