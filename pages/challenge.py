"""Detection of the portal's anti-bot challenge page. We detect it; we never try to pass it."""

from __future__ import annotations

from playwright.sync_api import Page

from pages.labels import LABELS, labels_for


def challenge_shown(page: Page) -> bool:
    """Whether the page is the anti-bot challenge («Доступ ограничен»), in any language."""
    title = page.title().strip()
    headings = {lb.antibot_heading for lb in LABELS.values()}
    if title in headings:
        return True
    return page.get_by_test_id("antibot-challenge").count() > 0


def detect_lang(page: Page, default: str = "ru") -> str:
    """The portal language of the page in hand (from ``<html lang>``): ``ru``, ``en`` or ``zh``."""
    html_lang = page.evaluate("document.documentElement.lang")
    return labels_for(str(html_lang or ""), default)[0]
