"""Detection of the portal's anti-bot challenge page. We detect it; we never try to pass it.

One JavaScript predicate serves both the check after every navigation and the wait for a person to clear
the page, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages.label_tables import LABELS
from pages.labels_in_use import labels_for

NAVIGATION_RETRIES = 3
#: The live portal's challenge page title (the same in every language).
TITLE = "Antibot Challenge Page"
#: The challenge's heading (also its title) in every language, and the live portal's title.
HEADINGS = sorted({lb.antibot_heading for lb in LABELS.values()} | {TITLE})
#: The live portal's incident id (``fab_chlg_20260808163642_01K…``), shown by both of its forms: the challenge
#: and «Похоже, нет соединения, код fab_chlg_…» (a mismatched browser fingerprint), whatever the language.
INCIDENT_PATTERN = r"\bfab_chlg_[0-9A-Za-z_]+"
#: The page's title or one of its headings is the challenge's heading (what a person reads first), or the page
#: shows an anti-bot incident id (the "no connection" form has no heading at all).
_CHALLENGE = ("(headings.includes(document.title.trim()) || Array.from(document.querySelectorAll("
              "'h1, h2, [role=heading]')).some(h => headings.includes(h.textContent.trim()))"
              f" || /{INCIDENT_PATTERN}/.test(document.body ? document.body.textContent : ''))")
_FACTS = f"headings => ({{lang: document.documentElement.lang || '', challenge: {_CHALLENGE}}})"


@dataclass(frozen=True)
class PageFacts:
    """What the agent checks after every navigation."""

    lang: str  # ``ru``, ``en`` or ``zh``
    challenge: bool  # the anti-bot page is shown


def page_facts(page: Page, default_lang: str = "ru") -> PageFacts:
    """The page's language (``<html lang>``) and whether it is the challenge, in one round trip.

    The portal's own script may navigate away right after the page loads (to sign-in, when its API answers
    401): then the new page is asked, once it has loaded.
    """
    for _ in range(NAVIGATION_RETRIES):
        try:
            facts = page.evaluate(_FACTS, HEADINGS)
            break
        except PlaywrightError as err:
            if "context was destroyed" not in str(err) and "navigat" not in str(err):
                raise
            page.wait_for_load_state("domcontentloaded")
    else:
        facts = page.evaluate(_FACTS, HEADINGS)
    return PageFacts(labels_for(str(facts["lang"]), default_lang)[0], bool(facts["challenge"]))


def challenge_shown(page: Page) -> bool:
    """Whether the page is the anti-bot challenge («Доступ ограничен», "Antibot Challenge Page", an incident id
    ``fab_chlg_…``, «Похоже, нет соединения»), in any language."""
    return page_facts(page).challenge


def wait_until_cleared(page: Page, timeout_ms: float) -> None:
    """Wait (headed runs) until a person has cleared the challenge and the portal page is back."""
    page.wait_for_function(f"headings => !{_CHALLENGE}", arg=HEADINGS, timeout=timeout_ms)
    page.wait_for_load_state("domcontentloaded")
