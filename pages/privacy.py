"""Where the buyer's personal data shows on the page, so every kept image can paint it over. Fails closed.

Found the way a person finds it, in one round trip: the values beside the labels «Покупатель», «Телефон»,
«Адрес доставки» (drawer, dialog, page section, any card); the cells under the list's «Покупатель» header; search
boxes (a search may be a buyer's name); a chat's history and its title line; any text holding a personal string
the agent already knows. Where the fields cannot be found, the whole area is covered instead: a posting's details
(a dialog, or whatever shows a posting's title) without its three fields, a table with rows but no buyer column
we recognise, a list area whose buyer header is not in a table we can read (the header line and the rows under
it: the smallest area showing the number header and a posting number too), a frame, an element whose content lives
in a shadow root.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from playwright.sync_api import Page

from pages.labels_in_use import label_table
from pages.layout import script
from pages.regions import DETAILS_HELPERS, details_arg, more_fields

#: A box to paint over, in CSS pixels of the viewport: x, y, width, height.
Box = tuple[float, float, float, float]

_FIND_BOXES = r"""
const a = arg, boxes = [], owners = [], body = document.body;
// Measure things where the picture will show them: a drawer still sliding in would be measured half-way, and
// the screenshot (which fast-forwards animations) would then show its fields beside their boxes. So finish
// every finite animation and transition first, as the screenshot does.
for (const an of document.getAnimations()) {
  const end = an.effect ? an.effect.getComputedTiming().endTime : Infinity;
  if (an.playState !== 'finished' && an.playState !== 'idle' && Number.isFinite(end)) {
    try { an.finish(); } catch (e) { /* a paused zero-rate animation cannot finish; it does not move either */ }
  }
}
const add = el => {
  const r = el.getBoundingClientRect();
  if (r.width > 0 && r.height > 0) { boxes.push([r.left - 3, r.top - 3, r.width + 6, r.height + 6]); owners.push(el); }
};
const fields = new Set(a.fields), postingTitle = new RegExp(a.postingTitle);
const insideDialog = el => !!el.closest('[role=dialog], dialog');
// 1. the value beside each personal label, wherever it shows (and, in the same pass, a posting's titles)
const titles = [];
for (const el of body.querySelectorAll('*')) {
  const text = norm(el.textContent);
  if (postingTitle.test(text) && shown(el) && ![...el.children].some(c => norm(c.textContent) === text)) {
    titles.push(el);
  }
  if (!fields.has(text) || !shown(el) || [...el.children].some(c => norm(c.textContent) === text)) continue;
  const value = valueBeside(el, body, fields);
  if (value) add(value);
}
// The details of a posting shown outside a dialog (a page section, a page): all three fields found, or covered
// whole; a title whose fields cannot be found has its whole area covered (up to where the postings list begins).
const details = [];
for (const title of titles) {
  if (insideDialog(title)) continue;  // dialogs: step 2
  const found = around(title, a), area = found.region || found.box;
  if (insideDialog(area) || details.includes(area)) continue;
  details.push(area);
  const values = valuesBeside(area, a.fields);
  if (!found.region || !a.fields.every(f => values[f])) add(area === document.documentElement ? body : area);
}
const insideDetails = el => insideDialog(el) || details.some(d => d.contains(el));
// 2. dialogs naming a posting: all three fields found, or the whole dialog covered
for (const d of body.querySelectorAll('[role=dialog], dialog')) {
  if (!shown(d) || withText(d, a.notFound).length) continue;
  const labelled = a.fields.some(f => withText(d, f).length);
  if (withText(d, a.trackingTitle).length && !labelled) continue;  // the tracking dialog shows no buyer
  const found = valuesBeside(d, a.fields);
  if (!a.fields.every(f => found[f])) add(d);
}
// 3. tables: the buyer column; a table with rows and no buyer column (and not the items) is covered whole
const listed = new Set();
for (const t of tables(body)) {
  if (t.headers.includes(a.sku)) continue;
  const i = t.headers.indexOf(a.buyerHeader);
  if (i < 0) { if (t.rows.length) add(t.el); continue; }
  listed.add(t.el);
  for (const r of t.rows) if (r.cells[i]) add(r.cells[i]);
}
// 4. a buyer header outside a readable table (a list drawn with boxes): cover the smallest area that shows the
// number header and a posting number too, i.e. the header line and the rows under it (a header line in a box of
// its own shows no posting number); none: the whole page
const postingNumber = /^[0-9]+(-[0-9]+)+$/;
const showsPosting = el => [...el.querySelectorAll('*')].some(c => postingNumber.test(norm(c.textContent)) && shown(c));
for (const h of withText(body, a.buyerHeader)) {
  if (insideDetails(h) || [...listed].some(t => t.contains(h))) continue;
  let area = h.parentElement;
  while (area && area !== body && !(withText(area, a.numberHeader).length && showsPosting(area))) {
    area = area.parentElement;
  }
  add(area && area !== body ? area : body);
}
// 5. search boxes and other typed values (a search may be a buyer's name)
for (const i of body.querySelectorAll('input, textarea')) {
  if (shown(i) && i.value && !insideDetails(i)) add(i);
}
// 6. a chat: its history and the line naming the posting (and its buyer)
for (const log of body.querySelectorAll('[role=log]')) {
  if (!shown(log)) continue;
  add(log);
  for (const el of body.querySelectorAll('*')) {
    const text = norm(el.textContent);
    if (shown(el) && a.titlePrefixes.some(p => text.startsWith(p)) && !el.closest('[role=log]')
        && ![...el.children].some(c => norm(c.textContent) === text)) add(el);
  }
}
// 7. any text holding a personal string already known: the innermost element holding it whole (a dialog that
// holds it somewhere inside is not covered for that, only the element that shows it)
if (a.secrets.length) {
  for (const el of body.querySelectorAll('*')) {
    if (!shown(el)) continue;
    const text = norm(el.textContent);
    const held = a.secrets.filter(s => text.includes(s));
    if (held.some(s => ![...el.children].some(c => norm(c.textContent).includes(s)))) add(el);
  }
}
// 8. what this script cannot read, covered whole: frames (another document) and elements holding a shadow
// root with text (their content is not in the page's own tree, so no step above could find a field in it)
for (const el of body.querySelectorAll('iframe, frame, object, embed')) if (shown(el)) add(el);
for (const el of body.querySelectorAll('*')) {
  if (el.shadowRoot && shown(el) && norm(el.shadowRoot.textContent)) add(el);
}
return {boxes, owners};
"""
_BOXES = script(DETAILS_HELPERS + f"return (() => {{{_FIND_BOXES}}})().boxes;")
#: The same boxes (of the whole page) and where the posting's details are (``arg.area``; null when they do not show).
_BOXES_AND_DETAILS = script(DETAILS_HELPERS + f"const found = (() => {{{_FIND_BOXES}}})();" + r"""
const shownDetails = detailsOf(arg.area), d = shownDetails && shownDetails.region;
if (!d) return {boxes: found.boxes, area: null};
const r = d.getBoundingClientRect();
// A box of something the details hide (a drawer over the list) is not in their picture: painting it would only
// blot out their own words. Dropped only when provably hidden: the details paint an opaque background, nothing
// on their way up is translucent or blended, and at nine points of the part inside their rectangle the topmost
// element is their own. Anything else keeps its box.
const opaque = (() => {
  for (let e = d; e; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (parseFloat(cs.opacity) < 1 || cs.mixBlendMode !== 'normal' || (cs.filter && cs.filter !== 'none')) return false;
  }
  const rgba = (getComputedStyle(d).backgroundColor.match(/[\d.]+/g) || []).map(Number);
  return rgba.length === 3 || (rgba.length === 4 && rgba[3] === 1);
})();
const hiddenBehind = (el, [x, y, w, h]) => {
  if (!opaque || d.contains(el)) return false;
  const left = Math.max(x, r.left), top = Math.max(y, r.top);
  const right = Math.min(x + w, r.right), bottom = Math.min(y + h, r.bottom);
  if (left >= right || top >= bottom) return false;  // outside the picture: keeping it costs nothing
  const xs = [left + 1, (left + right) / 2, right - 1], ys = [top + 1, (top + bottom) / 2, bottom - 1];
  return xs.every(px => ys.every(py => { const t = document.elementFromPoint(px, py); return !!t && d.contains(t); }));
};
const boxes = found.boxes.filter((box, i) => !hiddenBehind(found.owners[i], box));
return {boxes, area: [r.left, r.top, r.width, r.height]};
""")


#: A posting number as a title shows it (any digits and dashes: the pattern of real numbers is only a guess).
_ANY_NUMBER = "[0-9][0-9-]*"


def _title_pattern(drawer_name: str) -> str:
    """A regular expression of every posting's title (``drawer_name`` with any number at ``{}``)."""
    before, _, after = drawer_name.partition("{}")
    return f"^{re.escape(before)}{_ANY_NUMBER}{re.escape(after)}$"


def _arg(lang: str, secrets: Iterable[str]) -> dict[str, object]:
    lb = label_table(lang)
    return {"fields": [lb.field_buyer, lb.field_phone, lb.field_address], "trackingTitle": lb.tracking_dialog,
            "postingTitle": _title_pattern(lb.drawer_name), "tracking": lb.field_tracking_number,
            "more": more_fields(lb),
            "notFound": lb.drawer_not_found, "sku": lb.items_sku, "buyerHeader": lb.col_buyer,
            "numberHeader": lb.col_posting_number, "titlePrefixes": [lb.drawer_name.split("{}")[0]],
            "secrets": [" ".join(s.split()) for s in secrets if s and len(s.strip()) >= 3]}


def _boxes(raw: list[list[float]]) -> list[Box]:
    return [(float(x), float(y), float(w), float(h)) for x, y, w, h in raw]


def personal_data_boxes(page: Page, lang: str, secrets: Iterable[str] = ()) -> list[Box]:
    """The boxes to paint over on the page as it is now (viewport CSS pixels).

    Args:
        lang: the portal language (its label table). The boxes for every language's labels are unioned when
            the page's language is not known for sure, so pass the one the portal declared.
        secrets: personal strings already known (buyer name, phone, address): covered wherever they show.

    Raises:
        playwright.sync_api.Error: the page could not be read; the caller then covers everything.
    """
    return _boxes(page.evaluate(_BOXES, _arg(lang, secrets)))


def personal_data_boxes_and_details(page: Page, lang: str, posting_number: str,
                                    secrets: Iterable[str] = ()) -> tuple[list[Box], Box | None]:
    """The boxes of :func:`personal_data_boxes` (the whole page's) and where the posting's details are.

    One round trip, for a picture of the details (a drawer, a modal, a page section): the boxes still come from
    the whole page, since whatever shows through or overlaps their rectangle is in the picture too. The details
    are found as :class:`pages.posting_details.PostingDetails` finds them; None when they do not show.

    Raises:
        playwright.sync_api.Error: the page could not be read; the caller then covers everything.
    """
    arg = {**_arg(lang, secrets), "area": details_arg(label_table(lang), posting_number)}
    found = page.evaluate(_BOXES_AND_DETAILS, arg)
    area = found["area"]
    return _boxes(found["boxes"]), (float(area[0]), float(area[1]), float(area[2]), float(area[3])) if area else None
