"""The caption band of evidence images: what it says, what it never says, and that it hides nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from agent.core import i18n
from agent.core.evidence.stamp import Stamp, _burn, _latin_font, burn, read_stamp, save_stamped, where
from tests.evidence_check import ocr_text

MOMENT = datetime(2026, 11, 28, 7, 40, 12, tzinfo=UTC)


@pytest.mark.parametrize(("url", "expected"), [
    ("http://127.0.0.1:8400/app/postings/fbs?postingDetails=48173252-0033-2", "127.0.0.1:8400/app/postings/fbs"),
    ("https://user:s3cret@seller.ozon.ru/app/postings/fbs#code=123456", "seller.ozon.ru/app/postings/fbs"),
    ("https://id.ozon.ru/otp?token=abc", "id.ozon.ru/otp"),
    ("about:blank", ""),
], ids=["query", "user-info-and-fragment", "token", "no-host"])
def test_where_should_keep_host_and_path_and_drop_anything_that_may_hold_a_secret(url: str, expected: str) -> None:
    assert where(url) == expected


def test_stamp_should_say_when_where_which_posting_run_and_step() -> None:
    stamp = Stamp(MOMENT, "seller.ozon.ru/app/postings/fbs", "48173252-0033-2", "20261128-074012-bulk-1a2b", "after")
    text = stamp.text()
    assert "2026-11-28 07:40:12 UTC" in text
    assert "local " in text and ("UTC+" in text or "UTC-" in text)
    assert "portal seller.ozon.ru/app/postings/fbs" in text
    assert "posting 48173252-0033-2 | run 20261128-074012-bulk-1a2b | step after" in text


def test_burn_should_add_a_band_below_and_leave_the_picture_untouched() -> None:
    picture = Image.new("RGB", (320, 100), (31, 31, 31))  # e.g. a fully masked drawer
    stamped = burn(picture, Stamp(MOMENT, "h/p", "1", "r", "before"))
    assert stamped.width == 320 and stamped.height > 100
    assert stamped.crop((0, 0, 320, 100)).tobytes() == picture.tobytes()  # the masking is not painted over
    band = stamped.crop((0, 101, 320, stamped.height))
    assert len(band.getcolors(maxcolors=4096) or []) > 2  # text was drawn in the band


def test_saved_image_should_carry_the_same_stamp_in_its_comment(tmp_path: Path) -> None:
    stamp = Stamp(MOMENT, "127.0.0.1:8400/app/postings/fbs", "48173252-0033-2", "run-1", "error")
    path = tmp_path / "error.jpg"
    save_stamped(Image.new("RGB", (200, 80), "white"), stamp, path)
    assert read_stamp(path) == stamp.text()
    assert read_stamp(tmp_path / "missing.jpg") == ""


# -- in the operator's language -------------------------------------------------------------------------------

#: The stamp's words as OCR must read them once burnt (the values are the same in every language).
OWN_WORDS = {"zh": ["本地时间", "门户", "运行", "步骤"], "ru": ["местное время", "портал", "отправление", "запуск"]}
OCR_LANGS = {"zh": "chi_sim+eng", "ru": "rus+eng"}


@pytest.fixture
def speak() -> Iterator[Callable[[str], None]]:
    yield i18n.set_ui_lang
    i18n.set_ui_lang("en")


@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_stamp_words_should_be_in_the_operators_language_and_readable_in_the_burnt_image(
    tmp_path: Path, speak: Callable[[str], None], lang: str
) -> None:
    speak(lang)
    stamp = Stamp(MOMENT, "seller.ozon.ru/app/postings/fbs", "48173252-0033-2", "20261128-074012-bulk-1a2b", "after")
    path = tmp_path / "after.jpg"

    save_stamped(Image.new("RGB", (560, 40), "white"), stamp, path)

    kept = read_stamp(path)
    assert all(word in kept for word in OWN_WORDS[lang]) and "48173252-0033-2" in kept, kept
    assert kept == stamp.text() and "posting " not in kept and "step " not in kept
    burnt = ocr_text(path, langs=OCR_LANGS[lang])
    read = [word for word in OWN_WORDS[lang] if word in burnt]
    assert len(read) >= 3, f"a font without these glyphs draws boxes; OCR read {read} in {burnt!r}"


def test_ocr_should_not_read_the_words_burnt_in_a_font_without_their_glyphs(
    tmp_path: Path, speak: Callable[[str], None]
) -> None:
    """The control of the test above: Chinese words in Pillow's Latin font are boxes, and OCR reads none."""
    speak("zh")
    stamp = Stamp(MOMENT, "seller.ozon.ru/app/postings/fbs", "48173252-0033-2", "run-1", "after")
    path = tmp_path / "boxes.png"
    _burn(Image.new("RGB", (560, 40), "white"), stamp.lines(), _latin_font()).save(path)
    assert not [word for word in OWN_WORDS["zh"] if word in ocr_text(path, langs=OCR_LANGS["zh"])]


def test_stamp_should_be_burnt_in_english_when_no_font_writes_the_operators_language(
    tmp_path: Path, speak: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    speak("zh")
    monkeypatch.setattr("agent.core.evidence.stamp.font_for", lambda text, size: None)
    path = tmp_path / "after.jpg"
    save_stamped(Image.new("RGB", (200, 40), "white"), Stamp(MOMENT, "h/p", "1", "r", "after"), path)
    assert "posting 1 | run r | step after" in read_stamp(path)
