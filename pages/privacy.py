"""Where the buyer's personal data shows on the page, so every kept image can paint it over. Fails closed.

Found the way a person finds it, in one round trip: the values beside the labels «Покупатель», «Телефон»,
«Адрес доставки» (drawer, dialog, any card); the cells under the list's «Покупатель» header; search boxes (a
search may be a buyer's name); a chat's history and its title line; any text holding a personal string the
agent already knows. Where the fields cannot be found, the whole area is covered instead: a posting dialog
without its three fields, a table with rows but no buyer column we recognise, a list area whose buyer header
is not in a table we can read, a frame, an element whose content lives in a shadow root.
"""

from __future__ import annotations

from collections.abc import Iterable

from playwright.sync_api import Page

from pages.labels_in_use import label_table
from pages.layout import HELPERS, script

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
const fields = new Set(a.fields);
const insideDialog = el => !!el.closest('[role=dialog], dialog');
// 1. the value beside each personal label, wherever it shows
for (const el of body.querySelectorAll('*')) {
  const text = norm(el.textContent);
  if (!fields.has(text) || !shown(el) || [...el.children].some(c => norm(c.textContent) === text)) continue;
  const value = valueBeside(el, body, fields);
  if (value) add(value);
}
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
// 4. a buyer header outside a readable table: cover the smallest area that also shows the number header
for (const h of withText(body, a.buyerHeader)) {
  if (insideDialog(h) || [...listed].some(t => t.contains(h))) continue;
  let area = h.parentElement;
  while (area && area !== body && !withText(area, a.numberHeader).length) area = area.parentElement;
  add(area && area !== body ? area : body);
}
// 5. search boxes and other typed values (a search may be a buyer's name)
for (const i of body.querySelectorAll('input, textarea')) {
  if (shown(i) && i.value && !insideDialog(i)) add(i);
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
_BOXES = script(HELPERS + f"return (() => {{{_FIND_BOXES}}})().boxes;")
#: The same boxes (of the whole page) and where the dialog titled ``arg.area.title`` is (null when none shows).
_BOXES_AND_DIALOG = script(HELPERS + f"const found = (() => {{{_FIND_BOXES}}})();" + r"""
const d = dialogsWith(arg.area.title, arg.area.others)[0];
if (!d) return {boxes: found.boxes, area: null};
const r = d.getBoundingClientRect();
// A box of something the dialog hides is not in its picture: painting it would only blot out the dialog's own
// words. Dropped only when provably hidden: the dialog paints an opaque background, nothing on its way up is
// translucent or blended, and at nine points of the part inside the dialog's rectangle the topmost element is
// the dialog's own. Anything else keeps its box.
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


def _arg(lang: str, secrets: Iterable[str]) -> dict[str, object]:
    lb = label_table(lang)
    return {"fields": [lb.field_buyer, lb.field_phone, lb.field_address], "trackingTitle": lb.tracking_dialog,
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


def personal_data_boxes_and_dialog(page: Page, lang: str, title: str, others: Iterable[str] = (),
                                   secrets: Iterable[str] = ()) -> tuple[list[Box], Box | None]:
    """The boxes of :func:`personal_data_boxes` (the whole page's) and where the dialog titled ``title`` is.

    One round trip, for a picture of that dialog (a drawer): the boxes still come from the whole page, since
    whatever shows through or overlaps the dialog's rectangle is in the picture too. The dialog is the first
    shown ``[role=dialog]``/``<dialog>`` holding the text ``title`` and none of ``others``; None when none shows.

    Raises:
        playwright.sync_api.Error: the page could not be read; the caller then covers everything.
    """
    arg = {**_arg(lang, secrets), "area": {"title": title, "others": list(others)}}
    found = page.evaluate(_BOXES_AND_DIALOG, arg)
    area = found["area"]
    return _boxes(found["boxes"]), (float(area[0]), float(area[1]), float(area[2]), float(area[3])) if area else None
