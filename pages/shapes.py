"""What shape the portal's posting details take, and the words a page shows about a posting: for ``doctor``,
``calibrate`` and ``capture``, which tell a person what the agent found and what it saw instead.

The agent itself never needs the shape: it finds the details and the editor by what they are
(:mod:`pages.regions`). People do: "the details are a page section here" explains a profile and a drift.
"""

from __future__ import annotations

from typing import Literal

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from pages.layout import HELPERS, script
from pages.posting_details import PostingDetails
from pages.regions import DETAILS_HELPERS

#: A drawer (a dialog along a side of the window), a modal (a dialog elsewhere), a section of the list's page,
#: or a page of its own (another address).
DetailsShape = Literal["drawer", "modal", "section", "page"]
DETAILS_SHAPES: tuple[DetailsShape, ...] = ("drawer", "modal", "section", "page")

_DETAILS_SHAPE = script(DETAILS_HELPERS + r"""
const d = detailsOf(arg), region = d && d.region;
if (!region) return '';
if (isDialog(region)) {
  const r = region.getBoundingClientRect(), w = window.innerWidth;
  const side = (r.right >= w - 2 || r.left <= 2) && r.height >= window.innerHeight * 0.8 && r.width < w * 0.9;
  return side ? 'drawer' : 'modal';
}
return location.pathname.startsWith(arg.listPath) ? 'section' : 'page';
""")

_TEXTS_NAMING = script(HELPERS + r"""
const out = [], add = t => { if (t && t.length <= 80 && !out.includes(t)) out.push(t); };
for (const el of document.body.querySelectorAll('*')) {
  const text = norm(el.textContent);
  if (!text.includes(arg.number) || !shown(el)) continue;
  if ([...el.children].some(c => norm(c.textContent).includes(arg.number))) continue;  // the smallest only
  add(text);
}
for (const h of document.querySelectorAll('h1, h2, h3, [role=heading]')) if (shown(h)) add(textOf(h));
return out.slice(0, 8);
""")


def details_shape(details: PostingDetails, list_path: str) -> str:
    """Where the details show now: ``drawer``, ``modal``, ``section`` or ``page`` ("" when they do not show)."""
    try:
        shape: str = details.page.evaluate(_DETAILS_SHAPE, {**details.region_arg(), "listPath": list_path})
    except PlaywrightError:
        return ""
    return shape


def texts_naming(page: Page, posting_number: str) -> list[str]:
    """The page's texts holding the posting's number, and its headings: what a renamed title probably became."""
    try:
        found: list[str] = page.evaluate(_TEXTS_NAMING, {"number": posting_number})
    except PlaywrightError:
        return []
    return found
