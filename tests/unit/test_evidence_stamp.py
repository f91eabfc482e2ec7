"""The caption band of evidence images: what it says, what it never says, and that it hides nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from agent.core.evidence_stamp import Stamp, burn, read_stamp, save_stamped, where

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
