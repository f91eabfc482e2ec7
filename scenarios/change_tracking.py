"""Change one posting's tracking number the way a careful operator does, and prove it.

Open the posting, check it, read the current number; if it differs, open the edit, fill, choose the
carrier, save, wait for the portal's answer, then reload and read the number back. A failed save is retried
with backoff, but *before any retry the current value is read again*: a save whose answer was lost may
have landed, and a posting must never be saved twice. Business problems are ``rejected`` and never retried.

The job and its evidence are in :mod:`scenarios.change_job`, the checks made while it runs in
:mod:`scenarios.change_checks`.
"""

from __future__ import annotations

from loguru import logger
from playwright.sync_api import Error as PlaywrightError
from tenacity import (
    Retrying,
    retry_if_exception_type,
    retry_if_not_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from agent.core.errors import (
    AbortRun,
    AgentError,
    BusinessRuleError,
    InvalidTrackingNumber,
    NotEditable,
    PortalError,
    SaveFailed,
    SessionExpired,
    VerificationFailed,
)
from agent.core.i18n import _
from agent.core.records import ChangeRequest, ChangeResult, Outcome, PostingSnapshot
from agent.core.timings import step
from agent.rules.notices import NoticeKind
from pages.posting_details import PostingDetails
from pages.tracking_editor import TrackingEditor
from scenarios.change_checks import check_unchanged_since_plan, duplicate_rule, same
from scenarios.change_job import ChangeJob, save_counted, shot
from scenarios.find_posting import open_posting, reread_posting, resolve_posting_number
from scenarios.notify_buyer import notify_buyer
from scenarios.precheck import precheck


def change_tracking(job: ChangeJob, request: ChangeRequest) -> ChangeResult:
    """Run one change end to end and return its outcome (already written to the journal).

    Raises:
        AbortRun: the anti-bot page or a person stopped the run; the posting stays ``pending``.
    """
    result = ChangeResult(posting_number=request.posting_number, outcome=Outcome.PENDING,
                          new_tracking=request.new_tracking, carrier=request.carrier)
    failed = True
    try:
        _run(job, request, result)
        failed = result.outcome == Outcome.FAILED
    except AbortRun:
        shot(job, result.posting_number or request.label, "error", None, result.evidence)
        raise
    finally:
        if job.tracing:
            with step("trace stop"):
                trace = job.evidence.stop_trace(job.portal.page.context, result.posting_number or request.label,
                                                keep=failed)
            if trace:
                result.evidence.append(trace)
    job.journal.finish_item(job.run_id, job.seq, result)
    return result


def _run(job: ChangeJob, request: ChangeRequest, result: ChangeResult) -> None:
    try:
        posting_number = resolve_posting_number(job.portal, request)
        result.posting_number = posting_number
        job.journal.mark_started(job.run_id, job.seq, posting_number)
        duplicate_rule(job, request, posting_number)
        _with_retries(job, request, result)
    except BusinessRuleError as err:
        result.outcome, result.error = Outcome.REJECTED, str(err)
        logger.warning(_("rejected: {why}", why=err))
    except (PortalError, SessionExpired) as err:
        result.outcome, result.error = Outcome.FAILED, str(err)
        logger.error(_("failed: {why}", why=err))
        shot(job, result.posting_number or request.label, "error", None, result.evidence)


def _with_retries(job: ChangeJob, request: ChangeRequest, result: ChangeResult) -> None:
    settings = job.settings
    retrying = Retrying(
        stop=stop_after_attempt(settings.retries),
        wait=wait_exponential(multiplier=settings.retry_backoff_s, max=10 * settings.retry_backoff_s),
        # Never after a failed read-back: the portal answered that save as done, so another would be a second save.
        retry=retry_if_exception_type((PortalError, SessionExpired)) & retry_if_not_exception_type(VerificationFailed),
        reraise=True,
        sleep=job.portal.pause,
    )
    for attempt in retrying:
        with attempt:
            n = attempt.retry_state.attempt_number
            result.attempts = n
            if n > 1 and settings.traces and not job.tracing:
                # Traces from the first retry on (Playwright's "on-first-retry"): a posting that goes through at
                # once costs no tracing, and one that keeps failing keeps the trace of its retries.
                job.evidence.start_trace(job.portal.page.context)
                job.tracing = True
            try:
                try:
                    _attempt(job, request, result)
                except PlaywrightError as err:  # a browser-level failure is a portal failure: retried
                    raise PortalError(_("browser: {why}", why=str(err).splitlines()[0])) from err
            except (PortalError, SessionExpired) as err:
                job.journal.record_attempt(job.run_id, job.seq, n, "error", str(err))
                logger.warning(_("attempt {n} failed: {why}", n=n, why=err))
                if isinstance(err, VerificationFailed):
                    raise
                if n >= settings.retries and _landed_after_all(job, request, result):
                    return
                raise
            job.journal.record_attempt(job.run_id, job.seq, n, result.outcome.value)


def _landed_after_all(job: ChangeJob, request: ChangeRequest, result: ChangeResult) -> bool:
    """After the last failed attempt, one more read: a save whose answer was lost may have landed."""
    try:
        details, posting = open_posting(job.portal, result.posting_number)
    except (AgentError, PlaywrightError):
        return False
    job.remember_buyer(posting)
    if not (job.seen and same(posting, request) and posting.tracking_number != result.old_tracking):
        return False
    result.outcome = Outcome.CHANGED
    _after_change(job, request, result, details, posting)
    return True


def _attempt(job: ChangeJob, request: ChangeRequest, result: ChangeResult) -> None:
    number = result.posting_number
    with step("open posting"):  # a page load: it also shows a sign-in or anti-bot page, wherever one comes up
        details, posting = open_posting(job.portal, number)
    job.remember_buyer(posting)
    if not job.seen:
        job.seen = True
        landed = job.save_may_have_landed and same(posting, request)
        result.old_tracking = job.old_tracking_hint if landed else posting.tracking_number
        if request.pending:
            _record_pending(job, request, result, posting, details)
            return
        shot(job, number, "before", details, result.evidence)
        precheck(request, posting)
        if same(posting, request):
            # Already there: nothing to save. After a crash mid-save it is our own save that landed.
            result.outcome = Outcome.CHANGED if job.save_may_have_landed else Outcome.UNCHANGED
            if job.save_may_have_landed:
                _after_change(job, request, result, details, posting)
            return
        check_unchanged_since_plan(request, posting, result)
    elif same(posting, request):
        # The previous attempt's answer was lost but its save landed: count it, never save again.
        logger.info(_("the earlier save landed after all; not saving again"))
        result.outcome = Outcome.CHANGED
        _after_change(job, request, result, details, posting)
        return
    if not posting.editable:
        raise NotEditable(_("not editable: {why}",
                              why=posting.not_editable_reason or _("the portal offers no edit control")))
    if job.confirm is not None and not job.confirm(number, posting.tracking_number, request.new_tracking):
        result.outcome, result.error = Outcome.PENDING, _("skipped by the operator")
        return
    with step("edit and fill"):
        details.open_edit()
        editor = TrackingEditor(details)
        editor.fill(request.new_tracking, request.carrier if request.carrier != posting.carrier else None)
    job.journal.mark_save_started(job.run_id, job.seq, result.old_tracking)
    with step("save"):
        answer = save_counted(job, editor, result)
    if answer.status == 401:
        raise SessionExpired(_("the session expired during the save"))
    if answer.status in (400, 422):
        raise InvalidTrackingNumber(_("the portal refused {number}: {why}", number=request.new_tracking,
                                      why=answer.message))
    if answer.status == 409:
        raise NotEditable(_("the portal refused the change: {why}", why=answer.message or _("not editable")))
    if not answer.ok:
        raise SaveFailed(_("save answered HTTP {status}: {why}", status=answer.status, why=answer.message))
    with step("read back"):  # from the portal's fresh answer, never the editor's echo
        details, posting = reread_posting(job.portal, details, request.new_tracking)
    job.remember_buyer(posting)
    if posting.tracking_number != request.new_tracking:
        raise VerificationFailed(
            _("after saving, the portal shows {shown}, not {number}", shown=posting.tracking_number or _("no number"),
              number=request.new_tracking)
        )
    result.outcome = Outcome.CHANGED
    _after_change(job, request, result, details, posting)


def _after_change(job: ChangeJob, request: ChangeRequest, result: ChangeResult, details: PostingDetails,
                  posting: PostingSnapshot) -> None:
    result.carrier = posting.carrier or request.carrier
    shot(job, result.posting_number, "after", details, result.evidence)
    logger.info(_("changed {old} -> {new}", old=result.old_tracking or _("(none)"), new=request.new_tracking))
    job.journal.finish_item(job.run_id, job.seq, result)  # written before anything else can fail
    if request.notify:
        result.notified = _notify(job, request, result, posting, "changed")


def _record_pending(job: ChangeJob, request: ChangeRequest, result: ChangeResult, posting: PostingSnapshot,
                    details: PostingDetails) -> None:
    """The carrier has no number yet: record it as pending (and tell the buyer about the delay)."""
    shot(job, result.posting_number, "before", details, result.evidence)
    result.outcome = Outcome.PENDING
    result.error = request.reason or "the carrier has not given a tracking number yet"
    job.journal.finish_item(job.run_id, job.seq, result)
    if request.notify:
        result.notified = _notify(job, request, result, posting, "delayed")


def _notify(job: ChangeJob, request: ChangeRequest, result: ChangeResult, posting: PostingSnapshot,
            kind: NoticeKind) -> str:
    notified = notify_buyer(
        job.portal, job.journal, job.run_id, posting_number=result.posting_number, kind=kind,
        tracking_number=request.new_tracking,
        carrier=result.carrier, chat_available=posting.chat_available,
        unavailable_reason=posting.chat_unavailable_reason,
    )
    job.journal.set_notified(job.run_id, job.seq, notified)
    return notified

