"""Teach the agent the portal a person sees: its shape, and every control it cannot find, by a person's clicks.

Read-only: it opens a posting's details and its tracking editor (then Cancel, never Save). When the details do not
show where the agent looks (their title is worded otherwise, or their tracking-number field), the person is asked
to open the posting and click its title (or that field's label); when the edit control opens nothing the agent
recognises, to click what opens the editor. For each control still not found, a banner names it and the next click
is caught (:mod:`scenarios.calibrate_clicks`). What was learnt becomes profile entries (labels, locators by role and
name) plus the shape seen (details: drawer, modal, section or page; editor: dialog, in place or page); the profile
is written keeping the person's own entries and comments, installed, and doctor's check run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from agent.core.errors import ConfigError, UIDrift
from pages.base import PageObject
from pages.posting_details import PostingDetails
from pages.postings_list import PostingsListPage
from pages.profile import update_profile, use_profile
from pages.shapes import details_shape
from pages.tracking_editor import TrackingEditor
from scenarios.calibrate_clicks import Person, ask_click, entry_for
from scenarios.portal import PERSON_TIMEOUT_MS, Portal
from scenarios.ui_check import UICheckReport, check_ui

#: The controls calibrate can teach, by label name, in the order a person meets them.
DETAILS_CONTROLS = ("edit_tracking", "chat_buyer", "close")
EDITOR_CONTROLS = ("tracking_input", "carrier_select", "save", "cancel")


@dataclass
class Calibration:
    """What calibrate learnt and what doctor's check found afterwards."""

    profile: Path
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    locators: dict[str, dict[str, str]] = field(default_factory=dict)
    shape: dict[str, str] = field(default_factory=dict)  # details: drawer|modal|section|page; editor: ...
    asked: list[str] = field(default_factory=list)  # label names the person was asked to click
    skipped: list[str] = field(default_factory=list)  # ... and those they said are not there (Esc)
    check: UICheckReport | None = None

    def learn_label(self, lang: str, name: str, text: str) -> None:
        """Keep a label and write it to the profile at once (a later step may fail: nothing learnt is lost)."""
        self.labels.setdefault(lang, {})[name] = text
        update_profile(self.profile, {lang: {name: text}}, {})
        use_profile(self.profile)  # page objects made from now on use it

    def learn(self, lang: str, name: str, kind: str, entry: dict[str, str]) -> None:
        """Keep what ``entry_for`` made of a click: a label, or a locator."""
        if kind == "label":
            self.learn_label(lang, name, entry[name])
            return
        self.locators[name] = entry
        update_profile(self.profile, {}, {name: entry})
        use_profile(self.profile)


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
        result.learn(obj.lang, name, kind, entry)
        learnt = True
    return learnt


def _open_details(portal: Portal, posting: str, result: Calibration, person: Person | None,
                  timeout_ms: float) -> PostingDetails:
    """The posting's details, open: when they are not found where the agent looks, the person shows them.

    Raises:
        ConfigError: still not found after the person's answers (or they pressed Esc).
    """
    settings, page, lang = portal.settings, portal.page, portal.lang
    for _attempt in range(3):  # the title, then the tracking-number field, then give up
        details = PostingDetails(page, posting, lang, settings.timeout_ms)
        try:
            details.wait_loaded()
            return details
        except UIDrift as drift:
            missing = drift.label
            if drift.label == details.title:
                name, banner, title_of = "drawer_name", (
                    f"ozon-rpa: open posting {posting} if it is not shown, then click its title (the words naming "
                    "it at the top of its details). Esc if the portal shows none. Nothing is saved."), posting
            elif drift.label == details.labels.field_tracking_number:
                name, banner, title_of = "field_tracking_number", (
                    f"ozon-rpa: click the name of the tracking-number field of posting {posting} (the words beside "
                    "its number). Esc if there is none. Nothing is saved."), ""
            else:
                raise
        result.asked.append(name)
        clicked = ask_click(page, name, str(getattr(details.labels, name)), person, timeout_ms, banner, title_of)
        text = clicked.get("text", "")
        if clicked.get("skipped") or not text:
            result.skipped.append(name)
            raise ConfigError(f"the details of posting {posting} were not found (no «{missing}»), and no "
                              "answer was given; run calibrate again and click the words asked for")
        result.learn_label(lang, name, text.replace(posting, "{}") if name == "drawer_name" else text)
    raise ConfigError(f"the details of posting {posting} are still not found after what was learnt: "
                      f"check the labels in {result.profile}")


def _try_editor(details: PostingDetails) -> TrackingEditor | None:
    """Click the edit control for real (the agent must see what it opens); the editor, or None when no text input
    for the number showed up."""
    details.open_edit()
    editor = TrackingEditor(details)
    try:
        editor.wait_open()
    except UIDrift as drift:
        if drift.page_object == "TrackingEditor" and drift.label == details.labels.tracking_input:
            return None
        raise
    return editor


def _open_editor(portal: Portal, details: PostingDetails, result: Calibration, person: Person | None,
                 timeout_ms: float) -> TrackingEditor:
    """The tracking editor, open: when the edit control opens nothing with an input, the person shows what does.

    Raises:
        ConfigError: still no editor after the person's answer (or they pressed Esc).
    """
    page, lang, posting = details.page, details.lang, details.posting_number
    editor = _try_editor(details)
    if editor is not None:
        return editor
    name, words = "edit_tracking", details.labels.edit_tracking
    result.asked.append(name)
    portal.open(PostingsListPage.url(portal.settings.base_url, portal.settings.postings_path, postingDetails=posting))
    details = PostingDetails(page, posting, lang, details.timeout_ms)
    details.wait_loaded()
    clicked = ask_click(page, name, words, person, timeout_ms, (
        f"ozon-rpa: «{words}» opened no field for the number. Click what opens the tracking number's editor of "
        f"posting {posting}. Esc if there is none. Nothing is saved."))
    if clicked.get("skipped"):
        result.skipped.append(name)
        raise ConfigError(f"posting {posting} offers no way to edit its tracking number that the agent could "
                          "find; calibrate with a posting whose number you could change now")
    kind, entry = entry_for(name, words, clicked)
    result.learn(lang, name, kind, entry)
    editor = _try_editor(PostingDetails(page, posting, lang, details.timeout_ms))
    if editor is None:
        raise ConfigError(f"what opens the tracking editor of posting {posting} was learnt ({kind} {entry}), but "
                          "it shows no text input for the number the agent can find")
    return editor


def calibrate(portal: Portal, posting: str, profile: Path, person: Person | None = None,
              timeout_ms: float = PERSON_TIMEOUT_MS) -> Calibration:
    """Open ``posting``'s details and tracking editor, teach what is not found, then run doctor's check.

    Raises:
        ConfigError: the profile cannot be written or read back, or the details or editor cannot be found.
        AgentError: the posting cannot be opened (not found, anti-bot, the portal down).
    """
    settings, page = portal.settings, portal.page
    result = Calibration(profile)
    portal.open(PostingsListPage.url(settings.base_url, settings.postings_path, postingDetails=posting))
    details = _open_details(portal, posting, result, person, timeout_ms)
    if _teach(page, details, DETAILS_CONTROLS, result, person, timeout_ms):
        details = PostingDetails(page, posting, portal.lang, settings.timeout_ms)
    shape = {"details": details_shape(details, settings.postings_path)}
    editor = _open_editor(portal, details, result, person, timeout_ms)
    shape["editor"] = editor.shape
    if _teach(page, editor, EDITOR_CONTROLS, result, person, timeout_ms):
        editor = TrackingEditor(details)
        editor.wait_open()
    editor.cancel()  # read-only: never Save
    if result.asked:  # the profile records the shape the person's portal has
        result.shape = {k: v for k, v in shape.items() if v}
        update_profile(profile, {}, {}, result.shape)
    result.check = check_ui(portal, settings.state_dir / "calibrate", posting)
    return result


def describe(result: Calibration) -> list[tuple[str, Any]]:
    """What was learnt, as (label name, entry) pairs, for printing."""
    learnt: list[tuple[str, Any]] = [(f"labels.{lang}.{k}", v) for lang, t in result.labels.items()
                                     for k, v in t.items()]
    return (learnt + [(f"locators.{k}", v) for k, v in result.locators.items()]
            + [(f"shape.{k}", v) for k, v in result.shape.items()])
