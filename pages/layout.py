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
// A field's value as read: its text without the buttons inside it (an "Изменить" beside the number is no part
// of the number; a link may be: a tracking number shown as a link to the carrier's site).
const isButton = el => el.matches('button, [role=button], input[type=button], input[type=submit]');
function valueText(el) {
  if (!el.querySelector('button, [role=button], input[type=button], input[type=submit]')) return textOf(el);
  const parts = [], walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || !shown(parent)) continue;
    let inButton = false;
    for (let p = parent; p && p !== el.parentElement; p = p.parentElement) if (isButton(p)) { inButton = true; break; }
    if (!inButton) parts.push(n.data);
  }
  return norm(parts.join(' '));
}
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


def script(body: str, element: bool = False) -> str:
    """A script as an ``evaluate()`` function: ``arg => ...`` (or ``(element, arg) => ...`` on a locator)."""
    return f"({'element, ' if element else ''}arg) => {{{body}}}"
