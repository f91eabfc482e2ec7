"""Calibrate's hands: a banner naming what to click, the person's click caught (never passed on), what it was.

The click is caught in the capture phase, its default prevented and its propagation stopped, so the portal never
sees it: nothing a person clicks while calibrating is saved or sent. Esc says "my portal has none". When
teaching a posting's title, clicks on links, buttons and list rows go through, so the person can open the posting
first; the click on the title (a text holding the posting's number) is the one caught.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

#: Called once the browser waits for a click: (page, the label name, the words it looked for). A real person
#: needs nothing here (they read the banner); tests click through it.
Person = Callable[[Page, str, str], None]
#: Controls one types into or picks from: their words are the label beside them, not their own text.
INPUTS = frozenset({"tracking_input", "carrier_select"})

_ARM = r"""(a) => {
  window.__ozonRpaClicked = null;
  const banner = document.createElement('div');
  banner.id = '__ozon_rpa_banner';
  banner.textContent = a.what;
  banner.style.cssText = 'position:fixed;left:0;right:0;bottom:0;z-index:2147483647;padding:12px;' +
    'background:#ffd54f;color:#000;font:16px sans-serif;text-align:center;pointer-events:none';
  document.body.appendChild(banner);
  const norm = s => (s || '').replace(/\s+/g, ' ').trim();
  const implicit = el => ({BUTTON: 'button', SELECT: 'combobox', TEXTAREA: 'textbox', A: 'link'}[el.tagName]
    || (el.tagName === 'INPUT' ? ({checkbox: 'checkbox', radio: 'radio', search: 'searchbox',
        button: 'button', submit: 'button'}[el.type] || 'textbox') : ''));
  const labelOf = el => {
    if (el.labels && el.labels.length) return norm(el.labels[0].innerText);
    const by = el.getAttribute('aria-labelledby');
    if (by) return norm(by.split(' ').map(id => (document.getElementById(id) || {}).innerText || '').join(' '));
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      for (let prev = node.previousElementSibling; prev; prev = prev.previousElementSibling) {
        const text = norm(prev.innerText);
        if (text) return text.slice(0, 80);
      }
    }
    return '';
  };
  // Teaching a title: only a click on a text holding the posting's number, outside links, buttons and rows.
  const wanted = e => !a.number || (!e.target.closest('a, button, input, select, textarea, tr, [role=button], '
    + '[role=link], [role=row], [role=tab], [role=option]') && norm(e.target.textContent).includes(a.number));
  const stop = e => { if (wanted(e)) { e.preventDefault(); e.stopImmediatePropagation(); } };
  const kinds = ['pointerdown', 'mousedown', 'pointerup', 'mouseup'];
  const caught = e => {
    if (!wanted(e)) return;
    stop(e);
    const el = e.target.closest('button, a, input, select, textarea, [role], label') || e.target;
    const control = el.tagName === 'LABEL' && el.control ? el.control : el;
    const label = labelOf(control);
    // A title whose number sits in an element of its own: the words around it are part of the title.
    let title = e.target;
    while (a.number && title.parentElement && norm(title.innerText) === a.number) title = title.parentElement;
    window.__ozonRpaClicked = {
      role: control.getAttribute('role') || implicit(control), label,
      name: norm(control.getAttribute('aria-label')) || (implicit(control) === 'button' || control.tagName === 'A'
        ? norm(control.innerText) : label) || norm(control.getAttribute('placeholder')),
      text: norm(a.number ? title.innerText : (control.innerText || control.value || '')),
    };
    done();
  };
  // Esc: this portal has no such control here (e.g. no buyer chat on this account); skip it.
  const skip = e => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopImmediatePropagation();
    window.__ozonRpaClicked = {skipped: 'yes'};
    done();
  };
  const done = () => {
    for (const kind of kinds) window.removeEventListener(kind, stop, true);
    window.removeEventListener('click', caught, true);
    window.removeEventListener('keydown', skip, true);
    banner.remove();
  };
  for (const kind of kinds) window.addEventListener(kind, stop, true);
  window.addEventListener('click', caught, true);
  window.addEventListener('keydown', skip, true);
}"""


def ask_click(page: Page, name: str, words: str, person: Person | None, timeout_ms: float,
              banner: str | None = None, title_of: str = "") -> dict[str, str]:
    """Show the banner, wait for the person's click (caught, never passed on), and say what was clicked.

    Args:
        banner: the banner's words (default: click «words»).
        title_of: teaching a posting's title: the posting number; other clicks go through to the portal.
    """
    what = banner or (f"ozon-rpa: click «{words}» ({name}); Esc if there is none. Nothing is saved: the click "
                      "only teaches the agent.")
    page.evaluate(_ARM, {"what": what, "number": title_of})
    if person is not None:
        person(page, name, words)
    page.wait_for_function("() => window.__ozonRpaClicked", timeout=timeout_ms)
    clicked: dict[str, str] = page.evaluate("() => window.__ozonRpaClicked")
    return clicked


def entry_for(name: str, words: str, clicked: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A profile entry for what was clicked: ``("label", {name: text})`` or ``("locator", {role, name})``."""
    shown = clicked.get("label", "") if name in INPUTS else (clicked.get("text") or clicked.get("name", ""))
    if shown and shown != words:
        return "label", {name: shown}
    return "locator", {"role": clicked.get("role") or "button", "name": clicked.get("name") or words}
