"""Supervised bulk edits: plan (read-only), approve, apply with workers, resume, report.

Top layer of ``agent/`` (with the CLI): it calls scenarios. The guarantees it keeps:

- every input row is written to the journal (``pending``) before any work starts, and ends with an outcome;
- a posting is never saved twice by one run: the journal's write-ahead mark tells a resume that a save may
  have landed, and the change scenario reads the portal before any save after the first;
- a stop (Ctrl-C, anti-bot page, circuit breaker) leaves the rest ``pending`` and the run resumable.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from loguru import logger

from agent.bulk.approval import APPROVAL_SUFFIX
from agent.bulk.inputs import read_rows
from agent.bulk.plan import Plan, load_plan
from agent.bulk.plan_checks import supervision_for
from agent.bulk.plan_rows import apply_portal_state, plan_from_input, row_request
from agent.bulk.report import write_report
from agent.bulk.resends import ResendCount
from agent.bulk.results import about_run, result_rows, write_results
from agent.bulk.workers import WorkerPool
from agent.core.browser.otp import CodeSource
from agent.core.errors import InputError, PortalError, PostingNotFound
from agent.core.evidence.pictures import Evidence
from agent.core.i18n import _, ngettext
from agent.core.journal.rows import ItemRecord, RunRecord, now_iso
from agent.core.journal.store import Journal
from agent.core.records import ChangeResult, Outcome
from agent.core.settings import Settings
from agent.core.timings import step
from scenarios.change_job import ChangeJob, is_save_request
from scenarios.change_tracking import change_tracking
from scenarios.find_posting import open_posting
from scenarios.portal import Portal
from scenarios.precheck import differences

PLAN_COPY = "plan.json"
ProgressFn = Callable[[ChangeResult], None]
ConfirmFn = Callable[[str, str, str], bool]


def plan_unread(settings: Settings, path: Path, *, created_by: str, sheet: str | None = None,
                force: bool = False) -> Plan:
    """A plan from the input file alone, no posting read: for ``bulk apply FILE --yes``.

    Nobody reviews that plan before it runs, so reading every posting first would only read each one twice:
    the apply's first read of a posting does the same checks (found, editable, pre-check, already set)
    moments before its change.

    Raises:
        InputError: the file cannot be read or lacks a required column (nothing touched).
    """
    input_file = read_rows(path, sheet=sheet, force=force)
    return plan_from_input(input_file, base_url=settings.base_url, created_by=created_by).seal()


def make_plan(settings: Settings, path: Path, *, created_by: str, code_source: CodeSource | None, workers: int = 2,
              sheet: str | None = None, force: bool = False) -> Plan:
    """Validate the input file, then read every posting's current state read-only, in parallel.

    Raises:
        InputError: the file cannot be read or lacks a required column (nothing touched).
    """
    input_file = read_rows(path, sheet=sheet, force=force)
    plan = plan_from_input(input_file, base_url=settings.base_url, created_by=created_by)
    to_read = [i for i, row in enumerate(plan.rows) if row.action != "rejected" and row.posting_number]
    lock = threading.Lock()

    def read_state(portal: Portal, index: int) -> None:
        row = plan.rows[index]
        try:
            with step("plan read"):
                _page, posting = open_posting(portal, row.posting_number)
        except PostingNotFound:
            updated = apply_portal_state(row, old_tracking="", current_carrier="", status="", editable=False,
                                         found=False)
        except PortalError as err:
            updated = row.model_copy(update={"warnings": [*row.warnings, _("current state not read: {why}", why=err)]})
        else:
            updated = apply_portal_state(row, old_tracking=posting.tracking_number, current_carrier=posting.carrier,
                                         status=posting.status, editable=posting.editable,
                                         not_editable_reason=posting.not_editable_reason)
            updated.read_at = now_iso()  # what the run will expect to find, and how old that knowledge is
            mismatch = differences(row_request(row), posting)
            if mismatch and updated.action == "change":
                updated = updated.model_copy(update={"action": "rejected",
                                                     "why": "pre-check failed: " + "; ".join(mismatch)})
        with lock:
            plan.rows[index] = updated

    outcome = WorkerPool[int](settings, workers, code_source).run(to_read, read_state)
    if outcome.aborted:
        raise outcome.aborted
    return plan.seal()


@dataclass
class ApplyOutcome:
    """How an apply ended."""

    run: RunRecord
    run_dir: Path
    items: list[ItemRecord]
    aborted: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    #: What the summary says besides the counts (saves the browser re-sent, or why that count is not known).
    notes: list[str] = field(default_factory=list)


def start_run(settings: Settings, journal: Journal, plan: Plan, *, operator: str, run_id: str | None = None,
              overwrite_changed: bool = False, approval_file: Path | None = None) -> tuple[RunRecord, Path]:
    """Open a bulk run: check the approval, copy the plan, write every row as pending, settle rejected rows.

    Each row's request carries what the plan read from its posting, so the run refuses to save over a change
    made since; ``overwrite_changed`` (or the plan's own, approved, setting) lifts that.
    """
    supervision = supervision_for(settings, plan, journal, approval_file)
    run = journal.start_run("bulk", operator=operator, base_url=settings.base_url, source=plan.source,
                            plan_hash=plan.content_hash, run_id=run_id, **asdict(supervision))
    run_dir = settings.runs_dir / run.id
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / PLAN_COPY).write_text(plan.model_dump_json(indent=2), encoding="utf-8")
    if supervision.approver_key and approval_file is not None:  # the signed approval itself, checkable later
        shutil.copyfile(approval_file, run_dir / (PLAN_COPY + APPROVAL_SUFFIX))
    overwrite = overwrite_changed or plan.overwrite_changed
    journal.add_items(run.id, [row_request(row, overwrite_changed=overwrite) for row in plan.rows])
    for seq, row in enumerate(plan.rows):
        if row.action == "rejected":
            journal.finish_item(run.id, seq, ChangeResult(
                posting_number=row.posting_number, outcome=Outcome.REJECTED, old_tracking=row.old_tracking,
                new_tracking=row.new_tracking, carrier=row.carrier, error=row.why, warnings=row.warnings))
    return run, run_dir


def resume_run(settings: Settings, journal: Journal, run_id: str) -> tuple[RunRecord, Path, Plan]:
    """Reopen a stopped or crashed run and its plan.

    Raises:
        InputError: no such run, or its plan copy is missing.
    """
    _known_run(settings, journal, run_id)
    run = journal.reopen_run(run_id)
    run_dir = settings.runs_dir / run.id
    plan_path = run_dir / PLAN_COPY
    if not plan_path.exists():
        raise InputError(_("run {run}: its plan copy {path} is missing; cannot resume", run=run_id, path=plan_path))
    return run, run_dir, load_plan(plan_path)


def apply_run(settings: Settings, journal: Journal, run: RunRecord, run_dir: Path, plan: Plan, *,
              code_source: CodeSource | None, workers: int = 1, max_rate: float | None = None,
              progress: ProgressFn | None = None, confirm: ConfirmFn | None = None,
              stop: threading.Event | None = None, overwrite_changed: bool = False) -> ApplyOutcome:
    """Work through the run's not-yet-done postings; write results and the report whatever happens.

    ``overwrite_changed`` (``--overwrite-changed`` on this apply or resume) lets every posting of the run be
    saved even when it changed since the plan; each one so replaced says so in its warnings.
    """
    items = journal.items(run.id)
    todo = [item for item in items if not item.done]
    if overwrite_changed:
        for item in todo:
            item.request = item.request.model_copy(update={"overwrite_changed": True})
    if confirm is not None:
        workers = 1  # one question at a time
    evidence = Evidence(run_dir, screenshots=settings.screenshots)
    resends = ResendCount(journal, run.id, is_save_request, remote=bool(settings.browser_endpoint))
    pool = WorkerPool[ItemRecord](settings, workers, code_source, stop or threading.Event(), max_rate,
                                  netlog_filter=is_save_request, on_netlog=resends.found)
    breaker = _Breaker(settings.circuit_breaker, pool.stop)
    logger.info(_("run {run}: {todo} to do, {settled} already settled", run=run.id, todo=len(todo),
                  settled=len(items) - len(todo)))

    def work(portal: Portal, item: ItemRecord) -> None:
        job = ChangeJob(portal, journal, evidence, run.id, item.seq,
                        save_may_have_landed=item.save_started_at is not None, old_tracking_hint=item.old_tracking,
                        confirm=confirm)
        with logger.contextualize(run=run.id, posting=item.posting_number), \
                resends.watching(item.seq, item.posting_number, portal.page.context), step("change"):
            result = change_tracking(job, item.request)
        breaker.record(result.outcome)
        if progress is not None:
            progress(result)

    aborted = ""
    try:
        outcome = pool.run(todo, work)
        if outcome.interrupted:
            aborted = "stopped by a person (Ctrl-C)"
        elif outcome.aborted:
            aborted = str(outcome.aborted)
        elif breaker.tripped:
            aborted = breaker.message
        elif outcome.crashed:
            aborted = ngettext("{n} worker stopped: {why}", "{n} workers stopped: {why}", len(outcome.crashed),
                               why=outcome.crashed[0])
    except KeyboardInterrupt:
        aborted = _("stopped by a person (Ctrl-C)")
    finally:
        journal.finish_run(run.id, "aborted" if aborted or pool.stop.is_set() else "done",
                           note="; ".join(note for note in (aborted, resends.note) if note))
        final = journal.items(run.id)
        write_outputs(journal.run(run.id), run_dir, plan, final)
    if not aborted and any(i.outcome == Outcome.PENDING and not i.done for i in final):
        aborted = "some postings were not reached"
    counts = {o.value: sum(1 for i in final if i.outcome == o) for o in Outcome}
    return ApplyOutcome(journal.run(run.id), run_dir, final, aborted, counts, resends.summary())


def write_outputs(run: RunRecord, run_dir: Path, plan: Plan, items: list[ItemRecord]) -> tuple[Path, Path, Path]:
    """(Re)build results.csv, results.xlsx and report.html of a run from the journal."""
    with step("results and report"):
        rows = result_rows(plan, items)
        csv_path, xlsx_path = write_results(run_dir, plan.columns, rows, about_run(run))
        report = write_report(run_dir, run, rows, plan=plan)
    return csv_path, xlsx_path, report


def rebuild_report(settings: Settings, journal: Journal, run_id: str) -> Path:
    """``ozon-rpa report RUN``: rebuild a run's outputs from the journal and its plan copy."""
    run = _known_run(settings, journal, run_id)
    run_dir = settings.runs_dir / run.id
    plan_path = run_dir / PLAN_COPY
    plan = load_plan(plan_path) if plan_path.exists() else Plan(source=run.source)
    return write_outputs(run, run_dir, plan, journal.items(run.id))[2]


def _known_run(settings: Settings, journal: Journal, run_id: str) -> RunRecord:
    try:
        return journal.run(run_id)
    except KeyError as err:
        raise InputError(_("no run {run} in the journal {path}", run=repr(run_id), path=settings.journal_path)) from err


class _Breaker:
    """Stops the run after K portal failures in a row (a broken portal should not eat the whole file)."""

    def __init__(self, limit: int, stop: threading.Event) -> None:
        self.limit = limit
        self.stop = stop
        self.in_a_row = 0
        self.tripped = False
        self._lock = threading.Lock()

    @property
    def message(self) -> str:
        return _("circuit breaker: {n} portal failures in a row; the run stopped and can be resumed", n=self.limit)

    def record(self, outcome: Outcome) -> None:
        with self._lock:
            self.in_a_row = self.in_a_row + 1 if outcome == Outcome.FAILED else 0
            if self.in_a_row >= self.limit and not self.tripped:
                self.tripped = True
                logger.error(self.message)
                self.stop.set()
