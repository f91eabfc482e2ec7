"""The business checks of a change made while it runs: already there, changed since the plan, a duplicate number."""

from __future__ import annotations

from loguru import logger

from agent.core.errors import ChangedSincePlan, DuplicateTrackingNumber
from agent.core.i18n import _
from agent.core.records import ChangeRequest, ChangeResult, PostingSnapshot
from agent.rules.tracking import normalize
from scenarios.change_job import ChangeJob


def same(posting: PostingSnapshot, request: ChangeRequest) -> bool:
    """Whether the posting already shows the requested number (and carrier, when one was asked for)."""
    return posting.tracking_number == request.new_tracking and request.carrier in (None, "", posting.carrier)


def changed_since_plan(request: ChangeRequest, posting: PostingSnapshot) -> str:
    """Why the posting no longer matches what the plan saw ("" when it still does, or nothing was expected).

    The number is compared as normalized text; the carrier only when the plan read one.
    """
    if request.expect_old_tracking is None:
        return ""
    planned, now = normalize(request.expect_old_tracking), normalize(posting.tracking_number)
    planned_carrier, now_carrier = request.expect_old_carrier or "", posting.carrier
    if planned == now and (not planned_carrier or planned_carrier == now_carrier):
        return ""
    if planned == now:
        return _("changed since the plan: planned to replace {planned} with carrier {carrier}, now the carrier is "
                 "{now}", planned=planned or _("(no number)"), carrier=planned_carrier, now=now_carrier or _("(none)"))
    return _("changed since the plan: planned to replace {planned}, now shows {now}",
             planned=planned or _("(no number)"), now=now or _("(no number)"))


def check_unchanged_since_plan(request: ChangeRequest, posting: PostingSnapshot, result: ChangeResult) -> None:
    """Refuse to save over someone else's change made after the plan was read (and approved).

    Runs on the first read only: later reads follow our own save attempts. A posting that already shows the
    planned new number never gets here (``same`` settles it first), and neither does a resumed posting whose
    earlier save of ours landed.
    """
    why = changed_since_plan(request, posting)
    if not why:
        return
    if not request.overwrite_changed:
        raise ChangedSincePlan(why)
    # Recorded on the row (journal, results, report): this run replaced a number nobody approved replacing.
    result.warnings.append(_("{why}; replaced anyway (overwrite-changed)", why=why))
    logger.warning(_("{why}; replacing it anyway (overwrite-changed)", why=why))


def duplicate_rule(job: ChangeJob, request: ChangeRequest, posting_number: str) -> None:
    """Refuse a number the journal already records on another posting (unless allowed, or only pending).

    Raises:
        DuplicateTrackingNumber: it does, and ``--allow-duplicate`` was not given.
    """
    if request.pending or request.allow_duplicate:
        return
    others = job.journal.postings_with_tracking(request.new_tracking, exclude_posting=posting_number)
    if others:
        raise DuplicateTrackingNumber(
            _("{number} is already recorded on posting {others}; use --allow-duplicate if that is intended",
              number=request.new_tracking, others=", ".join(others[:3]))
        )
