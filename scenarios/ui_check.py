"""Read-only check that every page object still finds its controls and labels on the target portal.

It never saves and never sends: it opens the list, a posting's drawer, the edit dialog (then Cancel) and
the buyer chat (without writing). A control it cannot find is reported as UI drift, naming the page object,
the label it looked for and the language, with a screenshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator

from agent.core.errors import AgentError, UIDrift
from agent.core.evidence import Masking, masked_picture
from agent.core.evidence_stamp import Stamp, burn
from pages.base import PageObject
from pages.chat_page import ChatPage
from pages.posting_drawer import PostingDrawer
from pages.postings_list import PostingsListPage
from pages.privacy import personal_data_boxes
from pages.profile import label_name_for, profile_line, unknown_texts
from pages.tracking_dialog import TrackingDialog
from scenarios.portal import Portal

CHECK_TIMEOUT_MS = 5_000
#: Tabs where an editable (seller-delivered, in transit) posting is most likely found.
EDITABLE_TABS = ("awaiting_deliver", "delivering")


@dataclass
class UICheckReport:
    """What the read-only check found."""

    lang: str = ""
    checked: list[str] = field(default_factory=list)  # "PageObject: label"
    drift: list[UIDrift] = field(default_factory=list)
    screenshots: list[str] = field(default_factory=list)
    found_by: dict[str, str] = field(default_factory=dict)  # "PageObject: label" -> role, label, placeholder, ...
    notes: list[str] = field(default_factory=list)
    #: Per control not found: (the drift, the profile line that would fix it or "", visible texts seen nearby).
    fixes: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No drift found."""
        return not self.drift


def _check(report: UICheckReport, obj: PageObject, controls: dict[str, Locator], shots: Path | None) -> None:
    for label, locator in controls.items():
        name = f"{type(obj).__name__}: {label}"
        report.checked.append(name)
        try:
            locator.first.wait_for(state="attached", timeout=CHECK_TIMEOUT_MS)
            report.found_by[name] = obj.how_found(label)
        except PlaywrightError as err:
            _drift(report, UIDrift(type(obj).__name__, label, obj.lang, str(err).splitlines()[0]), obj, shots)


def _drift(report: UICheckReport, drift: UIDrift, obj: PageObject, shots: Path | None) -> None:
    """Note the drift, the profile line that fixes it, and a screenshot whose personal data is painted over."""
    if any((d.page_object, d.label) == (drift.page_object, drift.label) for d in report.drift):
        return
    report.drift.append(drift)
    _fix(report, drift, obj)
    if shots is None:
        return
    shots.mkdir(parents=True, exist_ok=True)
    path = shots / f"drift-{drift.page_object}-{len(report.drift)}.png"
    step = f"drift {drift.page_object}"
    picture = masked_picture(obj.page, lambda: Masking(personal_data_boxes(obj.page, obj.lang)), "-", step)
    if picture is None:
        return
    burn(picture, Stamp.now(obj.page.url, "-", shots.name, step)).save(path, "PNG")
    report.screenshots.append(str(path))


def _fix(report: UICheckReport, drift: UIDrift, obj: PageObject) -> None:
    """The profile line for a label the portal no longer shows, and the unknown words it shows instead."""
    text = drift.label.split(": ")[-1]  # "table: column" names the column
    name = label_name_for(drift.page_object, drift.lang, text)
    line = profile_line(drift.lang, name, "<the text you see instead>") if name else ""
    root = getattr(obj, "root", None)
    scope = root if root is not None and root.count() else obj.page.locator("body")
    report.fixes.append((str(drift), line, unknown_texts(scope, drift.lang)))


def check_ui(portal: Portal, screenshots_dir: Path | None = None) -> UICheckReport:
    """Walk the portal read-only and check every page object's controls."""
    settings = portal.settings
    report = UICheckReport()
    portal.open(PostingsListPage.url(settings.base_url, settings.postings_path))
    report.lang = portal.lang
    listing = PostingsListPage(portal.page, portal.lang, CHECK_TIMEOUT_MS)
    _check(report, listing, listing.controls(), screenshots_dir)
    if report.drift:
        return report
    posting = _find_editable(portal, listing)
    if posting is None:
        report.notes.append("no editable posting found: drawer, dialog and chat not checked")
        return report
    portal.open(PostingsListPage.url(settings.base_url, settings.postings_path, postingDetails=posting))
    drawer = PostingDrawer(portal.page, posting, portal.lang, CHECK_TIMEOUT_MS)
    try:
        drawer.wait_loaded()
        drawer.read()  # a drawer with neither the edit control nor a reason is drift
    except UIDrift as drift:  # noted, and the drawer's other controls still checked: every drift named at once
        _drift(report, drift, drawer, screenshots_dir)
    except (AgentError, PlaywrightError) as err:
        report.notes.append(f"drawer of {posting}: {err}")
    _check(report, drawer, drawer.controls(), screenshots_dir)
    if drawer.edit_button.count():
        drawer.open_edit()
        dialog = TrackingDialog(portal.page, portal.lang, CHECK_TIMEOUT_MS)
        _check(report, dialog, dialog.controls(), screenshots_dir)
        dialog.cancel()  # read-only: never Save
    portal.open(ChatPage.url(settings.base_url, posting))
    chat = ChatPage(portal.page, portal.lang, CHECK_TIMEOUT_MS)
    _check(report, chat, chat.controls(), screenshots_dir)  # read-only: never Send
    return report


def _find_editable(portal: Portal, listing: PostingsListPage) -> str | None:
    """An editable posting; failing that, one whose drawer neither offers the edit control nor says why not.

    A drawer with no edit control and no reason is what a renamed edit control looks like: checking that drawer
    reports the drift instead of skipping the drawer, the dialog and the chat.
    """
    settings = portal.settings
    unexplained: str | None = None
    for tab in EDITABLE_TABS:
        portal.open(PostingsListPage.url(settings.base_url, settings.postings_path, tab=tab))
        listing.wait_loaded()
        for number in listing.posting_numbers()[:10]:
            portal.open(PostingsListPage.url(settings.base_url, settings.postings_path, postingDetails=number))
            drawer = PostingDrawer(portal.page, number, portal.lang, CHECK_TIMEOUT_MS)
            try:
                drawer.wait_loaded()
                facts = drawer.facts()  # as shown now: no waiting for an edit control that may never come
            except AgentError:
                continue
            if facts["editable"]:
                return number
            if unexplained is None and not facts["reason"]:
                unexplained = number
    return unexplained
