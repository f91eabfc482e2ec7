"""One change's job: where it is written down, its evidence pictures, and its save counted.

What :mod:`scenarios.change_tracking` (the flow) needs around each step: the job (portal, journal, evidence, the
journal's write-ahead facts), the masked picture of the posting's details (:func:`shot`) and the click of Save with
the requests it sent (:func:`save_counted`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from loguru import logger
from playwright.sync_api import Request

from agent.core.evidence.pictures import Evidence, Masking
from agent.core.i18n import _
from agent.core.journal.store import Journal
from agent.core.records import ChangeResult, PostingSnapshot
from agent.core.settings import Settings
from agent.core.timings import step
from pages.posting_details import PostingDetails
from pages.privacy import personal_data_boxes, personal_data_boxes_and_details
from pages.tracking_editor import SAVE_REQUEST, SaveAnswer, TrackingEditor
from scenarios.portal import Portal


@dataclass
class ChangeJob:
    """Everything one change needs besides the request: where it is written down and its evidence."""

    portal: Portal
    journal: Journal
    evidence: Evidence
    run_id: str
    seq: int
    #: A resumed posting whose save may already have landed (the journal's write-ahead mark) ...
    save_may_have_landed: bool = False
    #: ... and the number it had before that save, as the journal recorded it.
    old_tracking_hint: str = ""
    warnings: list[str] = field(default_factory=list)
    #: Whether the posting was read once already (later reads are the "read before any retry").
    seen: bool = False
    #: ``--confirm each``: asked (posting, old, new) before every save; False skips the posting.
    confirm: Callable[[str, str, str], bool] | None = None
    #: Whether a trace is being recorded (from the first retry on: see ``_with_retries``).
    tracing: bool = False
    #: The buyer's name and address as read (every read of this posting): painted over wherever they show.
    personal: tuple[str, ...] = ()

    @property
    def settings(self) -> Settings:
        """The agent's settings."""
        return self.portal.settings

    def remember_buyer(self, posting: PostingSnapshot) -> None:
        """Add the buyer's name and address as just read to ``personal``, for every picture after it.

        Added, never replaced: a later read that misses them (details half drawn) must not unmask them.
        """
        read = (text for text in (posting.buyer, posting.address) if text)
        self.personal = tuple(dict.fromkeys((*self.personal, *read)))


def shot(job: ChangeJob, posting: str, name: str, details: PostingDetails | None, evidence: list[str]) -> None:
    """Evidence screenshot: the details alone, or the whole page; the buyer's data painted over wherever it shows.

    Wherever it shows means beside its label and, for the name and address last read (``job.personal``), also in
    a header or a notice naming the buyer without a label.
    """
    page, lang, known = job.portal.page, job.portal.lang, job.personal

    def masking() -> Masking:
        if details is None:
            return Masking(personal_data_boxes(page, lang, known))
        # The boxes and the details' place in one round trip; no details shown: the whole page, masked.
        boxes, area = personal_data_boxes_and_details(page, lang, details.posting_number, known)
        return Masking(boxes, area)

    with step(f"screenshot {name}"):
        path = job.evidence.screenshot(page, posting, name, masking)
    if path:
        evidence.append(path)


def is_save_request(method: str, url: str) -> bool:
    """Whether a request is a tracking save: a method that writes, to the save endpoint's URL pattern."""
    return method in ("POST", "PUT", "PATCH") and bool(SAVE_REQUEST.search(url))


def save_counted(job: ChangeJob, editor: TrackingEditor, result: ChangeResult) -> SaveAnswer:
    """Click Save, and count the save requests the page sent for that one click (Playwright's request events).

    More than one means something re-sent it (the portal's script, a double click). Chromium's own re-sends on
    a dropped keep-alive connection do not show here: the bulk runner counts those from the NetLog.
    """
    sent: list[str] = []

    def on_request(request: Request) -> None:
        if is_save_request(request.method, request.url):
            sent.append(request.url)

    page = job.portal.page
    page.on("request", on_request)
    try:
        return editor.save(job.settings.save_timeout_ms)
    finally:
        page.remove_listener("request", on_request)
        if len(sent) > 1:
            result.warnings.append(_("the save was sent {n} times for one click", n=len(sent)))
            logger.warning(_("the page sent the save {n} times for one click", n=len(sent)))
