"""Read-only check that every page object still finds its controls and labels on the target portal.

It never saves and never sends: it opens the list, a posting's details, the tracking editor (then Cancel) and
the buyer chat (without writing). A control it cannot find is reported as UI drift, naming the page object,
the label it looked for and the language, with a screenshot. What it could not reach is never a pass: details
it could open for no posting, an editor that did not show, or no editable posting to open one on are reported
as *not checked*, with what it tried, what it saw instead and how to fix it or point it at a posting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator

from agent.core.errors import AgentError, UIDrift
from agent.core.evidence.pictures import Masking, masked_picture
from agent.core.evidence.stamp import Stamp, burn
from agent.core.i18n import _
from pages.base import PageObject
from pages.chat_page import ChatPage
from pages.posting_details import PostingDetails
from pages.postings_list import PostingsListPage
from pages.privacy import personal_data_boxes
from pages.profile import label_name_for, profile_line, unknown_texts
from pages.shapes import details_shape, texts_naming
from pages.tracking_editor import TrackingEditor
from scenarios.portal import Portal

CHECK_TIMEOUT_MS = 5_000
#: Tabs where an editable (seller-delivered, in transit) posting is most likely found.
EDITABLE_TABS = ("awaiting_deliver", "delivering")
#: Postings opened per tab while looking for an editable one.
PER_TAB = 10
#: Postings in a row whose details do not show before the check stops looking (the portal shows them otherwise).
MISSES = 3


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
    #: What could not be checked, and why: the check is not a pass while anything is here.
    not_checked: list[str] = field(default_factory=list)
    #: Where things were found: ``details`` (drawer, modal, section, page) and ``editor`` (dialog, in_place, page).
    shapes: dict[str, str] = field(default_factory=dict)
    #: The posting whose details (and editor) were checked.
    posting: str = ""

    @property
    def ok(self) -> bool:
        """No drift found, and nothing left unchecked."""
        return not self.drift and not self.not_checked


def _check(report: UICheckReport, obj: PageObject, controls: dict[str, Locator], shots: Path | None) -> None:
    for label, locator in controls.items():
        name = f"{type(obj).__name__}: {label}"
        report.checked.append(name)
        if any((d.page_object, d.label) == (type(obj).__name__, label) for d in report.drift):
            continue  # found missing (after a wait) while the details were read: one wait for it is enough
        try:
            locator.first.wait_for(state="attached", timeout=CHECK_TIMEOUT_MS)
            report.found_by[name] = obj.how_found(label)
        except PlaywrightError as err:
            _drift(report, UIDrift(type(obj).__name__, label, obj.lang, str(err).splitlines()[0]), obj, shots)


def _drift(report: UICheckReport, drift: UIDrift, obj: PageObject, shots: Path | None,
           seen: list[str] | None = None) -> None:
    """Note the drift, the profile line that fixes it, and a screenshot whose personal data is painted over."""
    if any((d.page_object, d.label) == (drift.page_object, drift.label) for d in report.drift):
        return
    report.drift.append(drift)
    _fix(report, drift, obj, seen)
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


def _fix(report: UICheckReport, drift: UIDrift, obj: PageObject, seen: list[str] | None = None) -> None:
    """The profile line for a label the portal no longer shows, and the unknown words it shows instead."""
    text = drift.label.split(": ")[-1]  # "table: column" names the column
    if isinstance(obj, PostingDetails) and text == obj.title:  # the title holds the posting's number
        line = profile_line(drift.lang, "drawer_name", _("<the title you see, with {} where the number is>"))
    else:
        name = label_name_for(drift.page_object, drift.lang, text)
        line = profile_line(drift.lang, name, _("<the text you see instead>")) if name else ""
    if seen is None:
        root = getattr(obj, "root", None)
        scope = root if root is not None and root.count() else obj.page.locator("body")
        seen = unknown_texts(scope, drift.lang)
    report.fixes.append((str(drift), line, seen))


def check_ui(portal: Portal, screenshots_dir: Path | None = None, posting: str | None = None) -> UICheckReport:
    """Walk the portal read-only and check every page object's controls.

    Args:
        posting: the posting whose details and editor to check; by default the first editable one found on the
            tabs where edits are allowed.
    """
    settings = portal.settings
    report = UICheckReport()
    portal.open(PostingsListPage.url(settings.base_url, settings.postings_path))
    report.lang = portal.lang
    listing = PostingsListPage(portal.page, portal.lang, CHECK_TIMEOUT_MS)
    _check(report, listing, listing.controls(), screenshots_dir)
    if report.drift:
        return report
    details = _open_checked(portal, report, posting, listing, screenshots_dir)
    if details is None:
        return report
    _check(report, details, details.controls(), screenshots_dir)
    if details.edit_button.count():
        _check_editor(report, details, screenshots_dir)
    elif not report.drift:
        report.not_checked.append(_("the tracking editor of {posting}: its details offer no edit control",
                                    posting=details.posting_number))
    portal.open(ChatPage.url(settings.base_url, details.posting_number))
    chat = ChatPage(portal.page, portal.lang, CHECK_TIMEOUT_MS)
    _check(report, chat, chat.controls(), screenshots_dir)  # read-only: never Send
    return report


def _open_checked(portal: Portal, report: UICheckReport, posting: str | None, listing: PostingsListPage,
                  shots: Path | None) -> PostingDetails | None:
    """The details to check, open; None (and the reason noted) when no posting's details could be checked."""
    if posting is None:
        posting = _find_editable(portal, report, listing, shots)
        if posting is None:
            return None
    report.posting = posting
    details = _details_by_url(portal, posting)
    try:
        details.wait_loaded()
        details.read()  # details with neither the edit control nor a reason are drift
    except UIDrift as drift:  # noted, and the other controls still checked: every drift named at once
        _details_drift(report, details, drift, shots)
        if drift.label == details.title:
            return None  # nothing of the details to check
    except (AgentError, PlaywrightError) as err:
        report.not_checked.append(_("the details of {posting}: {why}", posting=posting, why=err))
        return None
    report.shapes["details"] = details_shape(details, portal.settings.postings_path)
    return details


def _details_by_url(portal: Portal, number: str) -> PostingDetails:
    settings = portal.settings
    portal.open(PostingsListPage.url(settings.base_url, settings.postings_path, postingDetails=number))
    return PostingDetails(portal.page, number, portal.lang, CHECK_TIMEOUT_MS)


def _details_drift(report: UICheckReport, details: PostingDetails, drift: UIDrift, shots: Path | None) -> None:
    """Details not found: what was looked for, and the texts naming the posting the page shows instead."""
    seen = texts_naming(details.page, details.posting_number) if drift.label == details.title else None
    _drift(report, drift, details, shots, seen)


def _check_editor(report: UICheckReport, details: PostingDetails, shots: Path | None) -> None:
    """Open the tracking editor, check its controls, cancel it (never Save)."""
    lb = details.labels
    try:
        details.open_edit()
        editor = TrackingEditor(details, CHECK_TIMEOUT_MS)
        editor.wait_shown()
    except UIDrift as drift:
        if drift.page_object == "TrackingEditor":
            report.not_checked.append(_(
                "the tracking editor: after a click on «{edit}» no text input showed up (looked for one in the "
                "details, in a dialog, or on a page replacing them)", edit=lb.edit_tracking))
        _drift(report, drift, details, shots)
        return
    except (AgentError, PlaywrightError) as err:
        report.not_checked.append(_("the tracking editor: {why}", why=err))
        return
    report.shapes["editor"] = editor.shape
    _check(report, editor, editor.controls(), shots)
    editor.cancel()  # read-only: never Save


def _find_editable(portal: Portal, report: UICheckReport, listing: PostingsListPage,
                   shots: Path | None) -> str | None:
    """An editable posting; failing that, one whose details neither offer the edit control nor say why not.

    Details with no edit control and no reason are what a renamed edit control looks like: checking them reports
    the drift instead of skipping the details, the editor and the chat. When no posting's details could be
    opened at all, or none is editable, that is noted as not checked (with the drift that explains it, if any).
    """
    settings = portal.settings
    unexplained: str | None = None
    opened: list[str] = []
    missed: tuple[PostingDetails, UIDrift] | None = None
    misses = 0
    for tab in EDITABLE_TABS:
        portal.open(PostingsListPage.url(settings.base_url, settings.postings_path, tab=tab))
        listing.wait_loaded()
        for number in listing.posting_numbers()[:PER_TAB]:
            details = _details_by_url(portal, number)
            try:
                details.wait_loaded()
                facts = details.facts()  # as shown now: no waiting for an edit control that may never come
            except UIDrift as drift:
                missed, misses = (details, drift), misses + 1
                if not opened and misses >= MISSES:
                    _no_details(report, details, drift, shots)
                    return None
                continue
            except AgentError:
                continue
            opened.append(number)
            if facts["editable"]:
                return number
            if unexplained is None and not facts["reason"]:
                unexplained = number
    if unexplained is not None:
        return unexplained
    if not opened and missed is not None:
        portal.open(PostingsListPage.url(settings.base_url, settings.postings_path,
                                         postingDetails=missed[0].posting_number))
        _no_details(report, missed[0], missed[1], shots)
        return None
    report.not_checked.append(_(
        "the edit control, the tracking editor and the chat: no editable posting among the {n} opened on the tabs "
        "{tabs}; point the check at one: ozon-rpa doctor --posting NUMBER", n=len(opened),
        tabs=", ".join(EDITABLE_TABS)))
    return None


def _no_details(report: UICheckReport, details: PostingDetails, drift: UIDrift, shots: Path | None) -> None:
    """No posting's details could be opened (the page shows ``details``' posting): what was looked for, what the
    page shows instead, and how to teach the agent."""
    _details_drift(report, details, drift, shots)
    report.not_checked.append(_(
        "a posting's details: none opened (looked for «{title}» with the fields «{field}» and one of {more}); "
        "teach the agent: ozon-rpa calibrate {posting}", title=details.title,
        field=details.labels.field_tracking_number, more=", ".join(f"«{f}»" for f in _more(details)),
        posting=details.posting_number))


def _more(details: PostingDetails) -> list[str]:
    lb = details.labels
    return [lb.field_status, lb.field_buyer, lb.field_address]

