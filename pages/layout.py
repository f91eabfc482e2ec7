"""Reading the page the way a person does, in one round trip: texts, the value beside a label, tables by headers.

These are JavaScript functions evaluated in the page. They look only at what is shown: the visible words,
generic roles (``dialog``, ``table``/``row``/``cell``, ``button``, ``note``) and layout (a value is the element
right after its label, beside or below it). No test ids, ``data-*`` attributes, CSS classes or XPath.
"""

from __future__ import annotations

#: Helpers shared by the scripts below (kept in one string so each script stays a single evaluate()).
HELPERS = r"""
const norm = s => (s || '').replace(/\s+/g, ' ').trim();
const shown = el => !!(el && (el.offsetWidth || el.offsetHeight || el.getClientRects().length));
const textOf = el => norm(el.innerText !== undefined ? el.innerText : el.textContent);
// The smallest shown elements whose whole text is `text`.
function withText(root, text) {
  const out = [];
  for (const el of root.querySelectorAll('*')) {
    if (norm(el.textContent) !== text || !shown(el)) continue;
    if ([...el.children].some(c => norm(c.textContent) === text)) continue;
    out.push(el);
  }
  return out;
}
// The value shown beside or below a label: the next element after it, climbing out of its wrappers.
function valueBeside(label, root, labels) {
  let node = label;
  for (let depth = 0; node && node !== root && depth < 3; depth++, node = node.parentElement) {
    let next = node.nextElementSibling;
    while (next && !shown(next)) next = next.nextElementSibling;
    if (next) return labels.has(norm(next.textContent)) ? null : next;
  }
  return null;
}
// label text -> the element showing its value, for every label found under root.
function valuesBeside(root, texts) {
  const labels = new Set(texts), found = {};
  for (const el of root.querySelectorAll('*')) {
    const text = norm(el.textContent);
    if (!labels.has(text) || found[text] || !shown(el)) continue;
    if ([...el.children].some(c => norm(c.textContent) === text)) continue;
    const value = valueBeside(el, root, labels);
    if (value) found[text] = value;
  }
  return found;
}
const cellsOf = row => [...row.children].filter(c => shown(c));
const isHeaderRow = row => cellsOf(row).some(c => c.tagName === 'TH' || c.getAttribute('role') === 'columnheader');
// Every shown table (HTML or ARIA) under root as {el, headers, rows: [{el, cells: [el]}]}.
function tables(root) {
  const out = [];
  for (const t of root.querySelectorAll('table, [role=table], [role=grid]')) {
    if (!shown(t)) continue;
    const own = r => r.closest('table, [role=table], [role=grid]') === t;
    const rows = [...t.querySelectorAll('tr, [role=row]')].filter(r => shown(r) && own(r));
    const head = rows.find(isHeaderRow);
    const headers = head ? cellsOf(head).map(textOf) : [];
    const body = rows.filter(r => r !== head && !isHeaderRow(r));
    out.push({el: t, headers, rows: body.map(r => ({el: r, cells: cellsOf(r)}))});
  }
  return out;
}
const tableWith = (root, header) => tables(root).find(t => t.headers.includes(header));
// The open dialogs (ARIA or HTML) holding `title`, except those holding any of `others` (another dialog's title).
function dialogsWith(title, others) {
  return [...document.querySelectorAll('[role=dialog], dialog')].filter(d => shown(d)
    && withText(d, title).length && !(others || []).some(o => withText(d, o).length));
}
"""

#: The state of the postings list: "loading", "rows", "empty", "waiting" or "absent" (no table with the
#: posting-number header), or "signed-out" (``arg.signIn`` matches the address: the app went to sign in).
#: ``LIST_READY`` answers only "rows", "empty" or "signed-out" (for a wait).
_LIST_STATE_FN = HELPERS + r"""
const listState = a => {
  if (a.signIn && new RegExp(a.signIn).test(location.href)) return 'signed-out';
  if (withText(document.body, a.loading).length) return 'loading';
  const t = tableWith(document.body, a.numberHeader);
  if (t && t.rows.length) return 'rows';
  if (withText(document.body, a.nothingFound).length) return 'empty';
  return t ? 'waiting' : 'absent';
};
"""
LIST_STATE = _LIST_STATE_FN + "return listState(arg);"
LIST_READY = _LIST_STATE_FN + "const s = listState(arg); return ['rows', 'empty', 'signed-out'].includes(s) && s;"

#: The rows of the postings list as {header: cell text} (plus the text of a clickable posting number).
LIST_ROWS = HELPERS + r"""
return (a => {
  const t = tableWith(document.body, a.numberHeader);
  if (!t) return null;
  return t.rows.map(r => Object.fromEntries(t.headers.map((h, i) => [h, r.cells[i] ? textOf(r.cells[i]) : ''])));
})(arg);
"""

#: Facts of a posting drawer: its field values by label, its actions, its notes, its items.
_DRAWER_FACTS_FN = HELPERS + r"""
const drawerFacts = (root, a) => {
  const values = valuesBeside(root, a.fields);
  const fields = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, textOf(v)]));
  const clickable = [...root.querySelectorAll('button, a, [role=button], [role=link]')].filter(shown);
  const action = text => clickable.find(b => textOf(b) === text) || withText(root, text)[0] || null;
  const edit = action(a.edit), chat = action(a.chat);
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
    fields, editable: !!edit, reason, chat: !!chat,
    chatEnabled: !!chat && !(chat.disabled || chat.getAttribute('aria-disabled') === 'true'), chatReason,
    items: items && qty >= 0 ? items.rows.map(r => [textOf(r.cells[sku] || r), textOf(r.cells[qty] || r)]) : null,
    notFound: withText(root, a.notFound).length > 0, loading: withText(root, a.loading).length > 0,
  };
};
"""
DRAWER_FACTS = _DRAWER_FACTS_FN + "return drawerFacts(element, arg);"
#: The same facts of the drawer found by its title (null when no dialog shows it): one call, no element handle.
DRAWER_FACTS_BY_TITLE = _DRAWER_FACTS_FN + r"""
const d = dialogsWith(arg.title, arg.others)[0];
return d ? drawerFacts(d, arg) : null;
"""
#: For a wait: the facts once the drawer offers the edit control or says why not (else false).
DRAWER_DECIDED = _DRAWER_FACTS_FN + r"""
const d = dialogsWith(arg.title, arg.others)[0];
const f = d && drawerFacts(d, arg);
return !!f && (f.editable || !!f.reason) && f;
"""


def script(body: str, element: bool = False) -> str:
    """A script as an ``evaluate()`` function: ``arg => ...`` (or ``(element, arg) => ...`` on a locator)."""
    return f"({'element, ' if element else ''}arg) => {{{body}}}"

#: Where a posting drawer is: "signed-out" (the app went to sign in), "absent" (no dialog holds its title),
#: "loading", "not-found", "no-field" (no tracking-number field shown) or "loaded". With ``arg.wait`` it
#: answers only "loaded", "not-found" or "signed-out" (for a wait).
DRAWER_STATE = HELPERS + r"""
const state = (a => {
  if (a.signIn && new RegExp(a.signIn).test(location.href)) return 'signed-out';
  const d = dialogsWith(a.title, a.others)[0];
  if (!d) return 'absent';
  if (withText(d, a.loading).length) return 'loading';
  if (withText(d, a.notFound).length) return 'not-found';
  return valuesBeside(d, [a.tracking])[a.tracking] ? 'loaded' : 'no-field';
})(arg);
return arg.wait ? ['loaded', 'not-found', 'signed-out'].includes(state) && state : state;
"""
