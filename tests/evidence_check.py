"""Is a buyer's personal data readable in an image? Checked on the pixels, with OCR (tesseract).

Reusable by any test that keeps images (evidence, doctor, error screenshots)::

    assert_buyer_data_readable(unmasked_png, buyer)   # the positive control: OCR can read this drawer at all
    assert_no_buyer_data(evidence_jpg, buyer)         # ... and reads none of it in the evidence

``buyer`` is the oracle's view of a posting (``/_sandbox/postings/N``): ``buyer_name``, ``buyer_phone`` and
``address``. A check without its positive control proves nothing: OCR that reads nothing finds nothing.

The image is upscaled before OCR (small UI fonts read far better at 2x), and read in Russian, Chinese and
English at once, the portal's languages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image

from agent.core.evidence.stamp import LINE_HEIGHT, PADDING

OCR_LANGS = "rus+chi_sim+eng"
SCALE = 2
#: tesseract on one thread: its OpenMP threads spin-wait for each other, and beside the suite's browsers on two
#: cores one page took 5.7 s on four threads, 1.4 s on one (the same text read).
ONE_THREAD = {**os.environ, "OMP_THREAD_LIMIT": "1"}
#: Name words shorter than this are too likely to turn up by chance in OCR noise.
MIN_WORD = 4


def tesseract() -> str:
    """The tesseract binary (``scripts/install-tesseract.sh`` installs it with apt)."""
    found = shutil.which("tesseract")
    if found is None:
        raise RuntimeError("tesseract is not installed: run scripts/install-tesseract.sh (or `make test`)")
    return found


def ocr_text(image_path: Path, langs: str = OCR_LANGS) -> str:
    """The text tesseract reads in an image (upscaled ``SCALE`` times, grey)."""
    with Image.open(image_path) as image:
        grey = image.convert("L")
        big = grey.resize((grey.width * SCALE, grey.height * SCALE), Image.Resampling.LANCZOS)
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "ocr.png"
        big.save(png)
        done = subprocess.run([tesseract(), str(png), "stdout", "-l", langs, "--psm", "11"],
                              capture_output=True, text=True, timeout=120, check=True, env=ONE_THREAD)
    return done.stdout


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def _digits_only(text: str) -> str:
    # Phone and postcode digits may be split by spaces, dashes or brackets in the image or by OCR.
    return re.sub(r"[\s\-–()+.]", "", text)


def postcode_of(address: str) -> str:
    """The 6-digit Russian postcode at the start of an address ('' when none)."""
    match = re.search(r"(?<!\d)\d{6}(?!\d)", address)
    return match.group(0) if match else ""


def buyer_data_found(text: str, buyer: dict[str, Any]) -> list[str]:
    """Which of the buyer's name words, phone and postcode the OCR text contains (what was found, named)."""
    found: list[str] = []
    folded = _fold(text)
    for word in str(buyer["buyer_name"]).split():
        if len(word) >= MIN_WORD and _fold(word) in folded:
            found.append(f"name {word!r}")
    squashed = _digits_only(text)
    phone_digits = re.sub(r"\D", "", str(buyer["buyer_phone"]))
    if len(phone_digits) >= 7 and phone_digits[-7:] in squashed:
        found.append(f"phone …{phone_digits[-7:]}")
    postcode = postcode_of(str(buyer["address"]))
    if postcode and re.search(rf"(?<!\d){postcode}(?!\d)", squashed):
        found.append(f"postcode {postcode}")
    return found


def assert_no_buyer_data(image_path: Path, buyer: dict[str, Any]) -> None:
    """Fail when OCR reads the buyer's name, phone digits or postcode in the image."""
    found = buyer_data_found(ocr_text(image_path), buyer)
    assert not found, f"{image_path.name} shows the buyer's {', '.join(found)}"


def assert_buyer_data_readable(image_path: Path, buyer: dict[str, Any]) -> None:
    """The positive control: OCR reads the buyer's name and phone in an unmasked image of the same screen."""
    found = buyer_data_found(ocr_text(image_path), buyer)
    assert any(f.startswith("name") for f in found) and any(f.startswith("phone") for f in found), (
        f"OCR cannot read the buyer in the unmasked {image_path.name} (found {found or 'nothing'}): "
        "a masking check on it would prove nothing"
    )


def assert_still_evidence(image_path: Path, *numbers: str) -> None:
    """The image still serves as evidence: the digits of each number (posting, tracking) read in it by OCR.

    The other side of masking: a picture painted over whole hides the buyer, and shows nothing else either.
    """
    with tempfile.TemporaryDirectory() as tmp, Image.open(image_path) as image:
        band = PADDING * 2 + LINE_HEIGHT * 3  # the caption band names the posting too: read the picture alone
        picture = Path(tmp) / "picture.png"
        image.crop((0, 0, image.width, image.height - band)).save(picture)
        digits = re.sub(r"\D", "", ocr_text(picture))
    missing = [n for n in numbers if re.sub(r"\D", "", n) not in digits]
    assert not missing, f"{image_path.name}: {missing} not readable; is the picture painted over whole?"


def pixels_of(image: Image.Image) -> list[tuple[int, int, int]]:
    """An RGB image's pixels, row by row (``getdata`` is deprecated from Pillow 13 and gone in 14)."""
    flattened = getattr(image, "get_flattened_data", None)
    return list(flattened() if flattened else image.getdata())


def red_pixels(path: Path) -> int:
    """How many pixels of an image are red: tests that write the buyer's data in pure red count what is left.

    Any red pixel in a masked picture is personal data in clear (JPEG blurs colours, hence the loose bounds).
    """
    pixels = pixels_of(Image.open(path).convert("RGB"))
    return sum(1 for r, g, b in pixels if r > 180 and g < 90 and b < 90)
