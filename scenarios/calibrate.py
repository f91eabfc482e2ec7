"""Teach the agent the portal a person sees: every control it cannot find, the person clicks once.

Read-only: it opens a posting's drawer and its tracking dialog (then Cancel, never Save). For each control the
page objects cannot find, a banner in the browser window names it and the next click is caught (in the capture
phase, its default prevented and its propagation stopped, so the portal never sees it). What was clicked (role,
accessible name, visible text, the nearest label) becomes a profile entry: a label when the words differ from
the label table, else a locator by role and name. The profile is written, installed, and doctor's check run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from agent.core.errors import ConfigError
from pages.base import PageObject
from pages.posting_drawer import PostingDrawer
from pages.postings_list import PostingsListPage
from pages.profile import update_profile, use_profile
from pages.tracking_dialog import TrackingDialog
from scenarios.portal import PERSON_TIMEOUT_MS, Portal
from scenarios.ui_check import UICheckReport, check_ui

#: Called once the browser waits for a click: (page, the label name, the words it looked for). A real person
#: needs nothing here (they read the banner); tests click through it.
Person = Callable[[Page, str, str], None]
#: The controls calibrate can teach, by label name, in the order a person meets them.
DRAWER_CONTROLS = ("edit_tracking", "chat_buyer", "close")
DIALOG_CONTROLS = ("tracking_input", "carrier_select", "save", "cancel")
INPUTS = frozenset({"tracking_input", "carrier_select"})

_ARM = r"""(what) => {
  window.__ozonRpaClicked = null;
  const banner = document.createElement('div');
  banner.id = '__ozon_rpa_banner';
  banner.textContent = what;
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
  const stop = e => { e.preventDefault(); e.stopImmediatePropagation(); };
  const kinds = ['pointerdown', 'mousedown', 'pointerup', 'mouseup'];
  const caught = e => {
    stop(e);
    const el = e.target.closest('button, a, input, select, textarea, [role], label') || e.target;
    const control = el.tagName === 'LABEL' && el.control ? el.control : el;
    const label = labelOf(control);
    window.__ozonRpaClicked = {
      role: control.getAttribute('role') || implicit(control), label,
      name: norm(control.getAttribute('aria-label')) || (implicit(control) === 'button' || control.tagName === 'A'
        ? norm(control.innerText) : label) || norm(control.getAttribute('placeholder')),
      text: norm(control.innerText || control.value || ''),
    };
    done();
  };
  // Esc: this portal has no such control here (e.g. no buyer chat on this account); skip it.
  const skip = e => { if (e.key === 'Escape') { stop(e); window.__ozonRpaClicked = {skipped: 'yes'}; done(); } };
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


@dataclass
class Calibration:
    """What calibrate learnt and what doctor's check found afterwards."""

    profile: Path
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    locators: dict[str, dict[str, str]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)  # label names the person was asked to click
    skipped: list[str] = field(default_factory=list)  # ... and those they said are not there (Esc)
    check: UICheckReport | None = None


def ask_click(page: Page, name: str, words: str, person: Person | None, timeout_ms: float) -> dict[str, str]:
    """Show the banner, wait for the person's click (caught, never passed on), and say what was clicked."""
    page.evaluate(_ARM, f"ozon-rpa: click «{words}» ({name}); Esc if there is none. Nothing is saved: the click "
                        "only teaches the agent.")
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


def _teach(page: Page, obj: PageObject, names: tuple[str, ...], result: Calibration, person: Person | None,
           timeout_ms: float) -> bool:
    """Ask for each control of ``obj`` it cannot find; write what was learnt. True when anything was."""
    learnt = False
    for name in names:
        words = str(getattr(obj.labels, name))
        if obj.how_found(words) != "not found":
            continue
        result.asked.append(name)
        clicked = ask_click(page, name, words, person, timeout_ms)
        if clicked.get("skipped"):
            result.skipped.append(name)
            continue
        kind, entry = entry_for(name, words, clicked)
        if kind == "label":
            result.labels.setdefault(obj.lang, {}).update(entry)
            update_profile(result.profile, {obj.lang: entry}, {})
        else:
            result.locators[name] = entry
            update_profile(result.profile, {}, {name: entry})
        learnt = True
    if learnt:
        use_profile(result.profile)  # page objects made from now on use it
    return learnt


def calibrate(portal: Portal, posting: str, profile: Path, person: Person | None = None,
              timeout_ms: float = PERSON_TIMEOUT_MS) -> Calibration:
    """Open ``posting``'s drawer and tracking dialog, teach every control not found, then run doctor's check.

    Raises:
        ConfigError: the profile cannot be written or read back.
        AgentError: the posting cannot be opened (not found, anti-bot, the portal down).
    """
    settings, page = portal.settings, portal.page
    result = Calibration(profile)
    portal.open(PostingsListPage.url(settings.base_url, settings.postings_path, postingDetails=posting))
    drawer = PostingDrawer(page, posting, portal.lang, settings.timeout_ms)
    drawer.wait_loaded()
    if _teach(page, drawer, DRAWER_CONTROLS, result, person, timeout_ms):
        drawer = PostingDrawer(page, posting, portal.lang, settings.timeout_ms)
    drawer.open_edit()
    dialog = TrackingDialog(page, portal.lang, settings.timeout_ms)
    try:
        dialog.root.wait_for(state="visible", timeout=settings.timeout_ms)
    except PlaywrightError as err:
        raise ConfigError(f"the tracking dialog did not open (its title «{dialog.labels.tracking_dialog}» is not "
                          f"shown): put the title you see in the profile as labels.{portal.lang}.tracking_dialog"
                          ) from err
    if _teach(page, dialog, DIALOG_CONTROLS, result, person, timeout_ms):
        dialog = TrackingDialog(page, portal.lang, settings.timeout_ms)
    dialog.cancel()  # read-only: never Save
    result.check = check_ui(portal, settings.state_dir / "calibrate")
    return result


def describe(result: Calibration) -> list[tuple[str, Any]]:
    """What was learnt, as (label name, entry) pairs, for printing."""
    learnt: list[tuple[str, Any]] = [(f"labels.{lang}.{k}", v) for lang, t in result.labels.items()
                                     for k, v in t.items()]
    return learnt + [(f"locators.{k}", v) for k, v in result.locators.items()]
