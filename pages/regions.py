"""Finding a posting's details and its tracking editor by what they are, whatever holds them.

The portal's *shape* is not known: a posting's details may be a drawer, a modal, a page section or a page of
its own; the tracking editor a dialog, a form in place inside the details, or a page. So nothing here looks
for a container. The **details** are the smallest element that shows the posting's title (the label table's
``drawer_name`` with its number) together with its tracking-number field and one more of its fields, widened
to the dialog it sits in, if any; the search from the title stops where the postings list begins, so a
drawer still loading never takes the list's column headers for its fields. The **editor** is whatever holds
a text input after the edit control was clicked: inside the details (in place), a dialog of its own, or the
page itself when the details are gone.

These are JavaScript functions evaluated in the page (one round trip each), built on :mod:`pages.layout`.
"""

from __future__ import annotations

from typing import Any

from pages.labels import Labels
from pages.layout import HELPERS


def details_arg(lb: Labels, posting_number: str) -> dict[str, Any]:
    """What the scripts below need to find a posting's details: its title, number and field labels."""
    return {"title": lb.drawer_name.format(posting_number), "number": posting_number,
            "tracking": lb.field_tracking_number, "more": more_fields(lb), "numberHeader": lb.col_posting_number}


def more_fields(lb: Labels) -> list[str]:
    """Besides the tracking-number field, one of these shows a region is a posting's details (the tracking editor
    names the posting too, but shows none of them)."""
    return [lb.field_status, lb.field_buyer, lb.field_address, lb.field_scheme, lb.field_ship_by]

#: Finding the details: elements showing the title, and the region around one of them.
DETAILS_HELPERS = HELPERS + r"""
// Elements whose whole text is the title: found from the text nodes holding the posting number (cheap even
// on a long page), then climbing to the smallest element whose text is the title.
function titled(a) {
  const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.data.includes(a.number)) continue;
    for (let el = n.parentElement, depth = 0; el && depth < 4; el = el.parentElement, depth++) {
      const text = norm(el.textContent);
      if (text === a.title) { if (shown(el) && !out.includes(el)) out.push(el); break; }
      if (text.length > a.title.length) break;
    }
  }
  return out;
}
const isDialog = el => el.matches('[role=dialog], [role=alertdialog], dialog');
// From one title up: {region, box}. ``region`` holds the tracking-number field and one more field (widened to
// its dialog); ``box`` is the largest element reached without it (where a loading or not-found text shows).
function around(title, a) {
  let box = title;
  for (let node = title; node && node !== document.documentElement; node = node.parentElement) {
    if (node !== title && tableWith(node, a.numberHeader)) break;  // the postings list: not the details
    box = node;
    if (withText(node, a.tracking).length && a.more.some(f => withText(node, f).length)) {
      return {region: node.closest('[role=dialog], [role=alertdialog], dialog') || node, box: node};
    }
    if (isDialog(node)) break;
  }
  return {region: null, box};
}
// The details of the posting: {region, box} of the first title that has them, else of the first title; null
// when no title shows.
function detailsOf(a) {
  let first = null;
  for (const title of titled(a)) {
    const found = around(title, a);
    if (found.region) return found;
    first = first || found;
  }
  return first;
}
// Text inputs shown, by where: inside the details ('in_place'), in a dialog that is not the details ('dialog'),
// on a page without the details or the postings list ('page'). The editor is where their count grew after the
// edit control's click: an input that was there before (a comment box) is never taken for it.
const typable = el => shown(el) && !el.disabled && !el.readOnly && (el.tagName === 'TEXTAREA'
  || el.getAttribute('role') === 'textbox'
  || (el.tagName === 'INPUT' && ['', 'text'].includes((el.getAttribute('type') || '').toLowerCase())));
const inputsIn = root => [...root.querySelectorAll('input, textarea, [role=textbox]')].filter(typable).length;
function inputPlaces(a) {
  const details = detailsOf(a), region = details && details.region;
  const places = {in_place: region ? inputsIn(region) : 0, dialog: 0, page: 0};
  for (const d of document.querySelectorAll('[role=dialog], [role=alertdialog], dialog')) {
    if (!shown(d) || d === region || (region && (d.contains(region) || region.contains(d)))) continue;
    places.dialog += inputsIn(d);
  }
  if (!region && !tableWith(document.body, a.numberHeader)) places.page = inputsIn(document.body);
  return places;
}
function editorShape(a) {
  const now = inputPlaces(a), before = a.before || {};
  return ['in_place', 'dialog', 'page'].find(p => now[p] > (before[p] || 0)) || false;
}
"""

#: The facts of a region: its field values by label, its actions, its notes, its items.
_FACTS_FN = DETAILS_HELPERS + r"""
const detailsFacts = (root, a) => {
  const values = valuesBeside(root, a.fields);
  const fields = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, valueText(v)]));
  const clickable = [...root.querySelectorAll('button, a, [role=button], [role=link]')].filter(shown);
  const action = text => clickable.find(b => textOf(b) === text) || withText(root, text)[0] || null;
  const edit = action(a.edit), chat = action(a.chat);
  // More than one control with the edit words (an "Изменить" beside the address too): the one beside the tracking
  // number's field is ours, which costs a finer search.
  const edits = clickable.filter(b => textOf(b) === a.edit).length;
  const matching = patterns => {
    for (const el of root.querySelectorAll('*')) {
      const text = norm(el.textContent);
      if (text && shown(el) && patterns.some(p => new RegExp('^(?:' + p + ')$').test(text))) return text;
    }
    return '';
  };
  const notes = [...root.querySelectorAll('[role=note]')].filter(shown).map(textOf).filter(Boolean);
  let reason = matching(a.reasons), chatReason = matching(a.chatReasons);
  if (!reason && !edit) reason = notes.find(n => n !== chatReason) || '';
  if (!chatReason && chat && chat.disabled) chatReason = notes.find(n => n !== reason) || '';
  const items = tableWith(root, a.sku);
  const sku = items ? items.headers.indexOf(a.sku) : -1, qty = items ? items.headers.indexOf(a.quantity) : -1;
  return {
    fields, editable: !!edit, edits, reason, chat: !!chat,
    chatEnabled: !!chat && !(chat.disabled || chat.getAttribute('aria-disabled') === 'true'), chatReason,
    items: items && qty >= 0 ? items.rows.map(r => [textOf(r.cells[sku] || r), textOf(r.cells[qty] || r)]) : null,
    notFound: withText(root, a.notFound).length > 0, loading: withText(root, a.loading).length > 0,
    dialog: isDialog(root),
  };
};
// With the text inputs shown by where: the editor is where one appears after the edit control's click.
const regionFacts = a => {
  const d = detailsOf(a);
  return d && d.region ? {...detailsFacts(d.region, a), places: inputPlaces(a)} : null;
};
"""
#: The facts of the posting's details (null when they do not show): one call, no element handle.
DETAILS_FACTS = _FACTS_FN + "return regionFacts(arg);"
#: For a wait: the facts once the details offer the edit control or say why not (else false).
DETAILS_DECIDED = _FACTS_FN + "const f = regionFacts(arg); return !!f && (f.editable || !!f.reason) && f;"

#: Where the details are: "signed-out" (the app went to sign in), "absent" (no title shows), "loading",
#: "not-found", "no-field" (the title shows without the tracking-number field and another field) or "loaded".
#: With ``arg.wait`` it answers only "loaded", "not-found" or "signed-out" (for a wait).
DETAILS_STATE = DETAILS_HELPERS + r"""
const state = (a => {
  if (a.signIn && new RegExp(a.signIn).test(location.href)) return 'signed-out';
  const d = detailsOf(a);
  if (!d) return 'absent';
  const where = d.region || d.box;
  if (withText(where, a.loading).length) return 'loading';
  if (withText(where, a.notFound).length) return 'not-found';
  return d.region ? 'loaded' : 'no-field';
})(arg);
return arg.wait ? ['loaded', 'not-found', 'signed-out'].includes(state) && state : state;
"""

#: The text inputs shown, by where (see ``inputPlaces``): taken before the edit control's click ...
INPUT_PLACES = DETAILS_HELPERS + "return inputPlaces(arg);"
#: ... and, for a wait after it, where the editor's text input showed up (see ``editorShape``).
EDITOR_SHAPE = DETAILS_HELPERS + "return editorShape(arg);"

#: The texts shown on the page now (elements with text of their own), to tell later which ones are new.
TEXTS_SHOWN = HELPERS + r"""
const own = el => [...el.childNodes].some(n => n.nodeType === 3 && n.data.trim());
return [...new Set([...document.body.querySelectorAll('*')].filter(el => own(el) && shown(el)).map(textOf))];
"""

#: After a save the portal refused: its message. An alert not shown before the click, else the new text nearest
#: the input holding the number typed (an error under the input); false while neither shows.
SAVE_ERROR = HELPERS + r"""
const a = arg, before = new Set(a.before);
const own = el => [...el.childNodes].some(n => n.nodeType === 3 && n.data.trim());
const alert = [...document.querySelectorAll('[role=alert]')].filter(shown).map(textOf)
  .find(t => t && !before.has(t));
if (alert) return alert;
const input = [...document.querySelectorAll('input, textarea')].find(i => shown(i) && i.value === a.typed);
for (let node = input && input.parentElement, depth = 0; node && depth < 6; node = node.parentElement, depth++) {
  for (const el of node.querySelectorAll('*')) {
    if (!own(el) || !shown(el)) continue;
    const text = textOf(el);
    if (text && !before.has(text) && text !== a.typed) return text;
  }
}
return false;
"""
