"""``ozon-rpa bulk plan | approve | apply`` and ``ozon-rpa report``: supervised bulk edits."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from agent.alerts.messages import bulk_finished, bulk_stopped
from agent.bulk.approval import (
    approval_path,
    approve_with_key,
    check_planner_key,
    check_signing_key,
    sign_plan,
    write_approval,
)
from agent.bulk.plan import Plan, load_plan, save_plan
from agent.bulk.plan_checks import approve_plan, check_age
from agent.bulk.runner import make_plan, plan_unread, rebuild_report, resume_run, start_run
from agent.bulk.ssh_signatures import SshKeygen
from agent.cli.alerting import finish_alerts, start_alerts
from agent.cli.bulk_approval import print_approval, print_planner, refuse_typed_approval, supervision_text
from agent.cli.bulk_output import apply_with_progress, print_plan, print_summary, resume_command
from agent.cli.shared import ask_code, console, exit_for, fail, reach_portal, settings_from
from agent.core.errors import AgentError, InputError
from agent.core.i18n import _
from agent.core.journal.leases import Lease
from agent.core.journal.rows import new_run_id
from agent.core.journal.store import Journal
from agent.core.problems import all_problems
from agent.core.records import ExitCode, Outcome, exit_code_for
from agent.core.settings import Settings
from agent.preflight import (
    check_input_file,
    check_plan,
    check_raw_apply,
    check_resume,
    check_setup,
    check_writable_dir,
)
from agent.runner import code_source_for, operator_name

bulk = typer.Typer(help="Supervised bulk edits: plan, approve, apply (and resume).", no_args_is_help=True)

PLAN_SUFFIX = ".plan.json"


def _is_plan(path: Path) -> bool:
    return path.name.endswith(".json")


@bulk.command("plan")
def plan_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8, UTF-8 BOM, GBK) or XLSX of changes.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Plan file (default: FILE.plan.json).")] = None,
    workers: Annotated[int, typer.Option(
        min=1, max=8, help="Parallel workers reading the portal (contexts of one browser).")] = 2,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: the first).")] = None,
    force: Annotated[bool, typer.Option(help="Accept numbers that fail their check digit.")] = False,
    otp_source: Annotated[str | None, typer.Option(help="prompt or sandbox (OZON_RPA_OTP_SOURCE).")] = None,
    overwrite_changed: Annotated[bool, typer.Option(
        help="Let the run replace numbers that change after this plan (sealed in the plan: approvers see it).",
    )] = False,
    key: Annotated[Path | None, typer.Option(
        help="Your SSH key to sign the plan with, where approval is required (OZON_RPA_SIGNING_KEY).")] = None,
) -> None:
    """Validate FILE and read each posting's current state (read-only) into a plan file."""
    settings = settings_from(ctx, otp_source=otp_source, signing_key=key)
    signing = False
    try:  # every problem at once, before any browser: settings, sign-in, the planner's key (approval required),
        with all_problems() as check:  # the file, the plan's folder (exit 2)
            check(check_setup, settings)
            signing = bool(check(check_planner_key, settings))
            check(check_input_file, file, sheet=sheet, force=force)
            check(check_writable_dir, (output or file).resolve().parent, _("the plan's folder"))
    except AgentError as err:
        fail(str(err), exit_for(err))
    reach_portal(settings)
    try:
        plan = make_plan(settings, file, created_by=operator_name(settings), workers=workers, sheet=sheet, force=force,
                         code_source=code_source_for(settings, ask_code))
        if overwrite_changed:
            plan.overwrite_changed = True
            plan.seal()
        if signing and settings.signing_key is not None:
            sign_plan(plan, SshKeygen(settings.ssh_keygen), settings.signing_key)
    except AgentError as err:
        fail(str(err), exit_for(err))
    target = output or file.with_name(file.stem + PLAN_SUFFIX)
    save_plan(plan, target)
    print_plan(plan)
    if signing:
        print_planner(settings, plan, target)
    else:
        console.print(_("plan written to {path}; next: ozon-rpa bulk approve {path} --by NAME", path=target),
                      highlight=False)


@bulk.command("approve")
def approve_command(
    ctx: typer.Context,
    plan_file: Annotated[Path, typer.Argument(help="The plan file to approve.")],
    key: Annotated[Path | None, typer.Option(
        help="Your SSH key: sign the approval with it (OZON_RPA_SIGNING_KEY).")] = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="Your name: a note where no approval is required (kept in a signed approval too).")] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="The approval file to write (default: PLAN.approval beside the plan).")] = None,
) -> None:
    """Approve this plan's exact content (its hash): a signature by your own key, written beside the plan."""
    settings = settings_from(ctx, signing_key=key)
    journal = Journal(settings.journal_path)
    try:
        plan = load_plan(plan_file)
        if settings.signing_key is None:
            refuse_typed_approval(settings, plan, plan_file, by)
            approve_plan(plan, journal, approved_by=by or "")
        else:
            keygen = SshKeygen(settings.ssh_keygen)
            check_signing_key(keygen, settings.signing_key, _("an approval is signed"))
            print_plan(plan, limit=20)
            made = approve_with_key(plan, keygen, settings.signing_key, plan_file=plan_file.name, by=by or "",
                                    four_eyes=settings.four_eyes,
                                    require_planner=settings.require_approval or settings.four_eyes,
                                    allowed_signers=settings.allowed_signers)
            target = approval_path(plan_file, output)
            write_approval(made.signed, target)
            journal.add_approval(plan.content_hash, made.approver or by or made.approver_key,
                                 made.planner or plan.created_by, key_fingerprint=made.approver_key)
    except AgentError as err:
        fail(str(err), exit_for(err))
    finally:
        journal.close()
    if settings.signing_key is None:
        print_plan(plan, limit=20)
        console.print(_("approved by {who}: {path} (hash {hash})", who=by, path=plan_file, hash=plan.content_hash[:12]),
                      highlight=False)
    else:
        print_approval(made, plan, plan_file, target)


@bulk.command("apply")
def apply_command(
    ctx: typer.Context,
    source: Annotated[Path | None, typer.Argument(help="A plan file, or a raw CSV/XLSX (planned first).")] = None,
    workers: Annotated[int, typer.Option(min=1, max=8, help="Parallel workers (contexts of one browser).")] = 2,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before applying a raw file.")] = False,
    confirm: Annotated[str | None, typer.Option(help="'each': show old -> new and ask before every save.")] = None,
    resume: Annotated[str | None, typer.Option(help="Continue a stopped or crashed run.")] = None,
    max_rate: Annotated[float | None, typer.Option(help="At most this many postings a minute.")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: the first).")] = None,
    otp_source: Annotated[str | None, typer.Option(help="prompt or sandbox (OZON_RPA_OTP_SOURCE).")] = None,
    overwrite_changed: Annotated[bool, typer.Option(
        help="Replace numbers that changed since the plan read them (each one is recorded as replaced).",
    )] = False,
    approval: Annotated[Path | None, typer.Option(
        help="The plan's approval file (default: PLAN.approval beside the plan).")] = None,
) -> None:
    """Apply a plan (or a raw file) with N workers; resumable; writes results and a report."""
    settings = settings_from(ctx, otp_source=otp_source)
    if confirm not in (None, "each"):
        fail(_("--confirm takes 'each'"), ExitCode.BAD_INPUT)
    early_plan: Plan | None = None
    try:  # everything that needs no browser, every problem at once: settings, the file or plan, its approval
        with all_problems() as check:  # and age, the run to resume
            check(check_setup, settings)
            if resume:
                check(check_resume, settings, resume)
            elif source is None:
                check.add(InputError(_("give a plan or input file, or --resume RUN")))
            elif _is_plan(source):
                early_plan = check(check_plan, settings, source, approval)
                if early_plan is not None:
                    check(_check_plan_for_apply, settings, early_plan, overwrite_changed=overwrite_changed,
                          resuming=False)
            else:
                check(check_raw_apply, settings, source, yes=yes, sheet=sheet)
    except AgentError as err:
        fail(str(err), exit_for(err))
    reach_portal(settings)
    dispatcher = start_alerts(settings)
    started = ""  # the run, once it is in the journal: from then on, a stop is alerted with how to resume it

    def resume_line(run: str, *, where: Path | None = None) -> str:
        return resume_command(run, ctx.obj, otp_source=otp_source, where=where)

    journal = Journal(settings.journal_path)
    try:
        if resume:
            run, run_dir, plan = resume_run(settings, journal, resume)
            run_id = run.id
        elif source is not None:
            plan = _plan_for_apply(settings, source, yes=yes, sheet=sheet, workers=workers,
                                       reviewed=confirm == "each")
            run_id = new_run_id("bulk")
        else:
            raise InputError(_("give a plan or input file, or --resume RUN"))
        if early_plan is None:  # a plan file was checked above, before the browser
            _check_plan_for_apply(settings, plan, overwrite_changed=overwrite_changed, resuming=bool(resume))
        with Lease(settings.state_dir / "locks", settings.journal_path, run_id, "bulk", plan_hash=plan.content_hash,
                   postings=[row.posting_number for row in plan.rows if row.action != "rejected"]):
            if not resume:
                approval_file = approval_path(source, approval) if source is not None and _is_plan(source) else None
                run, run_dir = start_run(settings, journal, plan, operator=operator_name(settings), run_id=run_id,
                                         overwrite_changed=overwrite_changed, approval_file=approval_file)
            started = run.id  # held by this process now (a run held by another one is refused above, not alerted)
            console.print(_("run {run}: {n} rows; approved by {who}", run=run.id, n=len(plan.rows),
                            who=supervision_text(run.approved_by, run.approver_key) or _("nobody")), highlight=False)
            result = apply_with_progress(settings, journal, run, run_dir, plan, workers=workers, max_rate=max_rate,
                                          confirm_each=confirm == "each", overwrite_changed=overwrite_changed)
    except AgentError as err:
        if started:  # the run began and ended here: it is resumable, and the seller is told how
            counts = {o.value: sum(1 for i in journal.items(started) if i.outcome == o) for o in Outcome}
            dispatcher.send(bulk_stopped(started, str(err), counts, (settings.runs_dir / started / "report.html")
                                         .resolve(), resume_line(started, where=Path.cwd()), shop=settings.company))
        finish_alerts(dispatcher)
        fail(str(err), exit_for(err))
    finally:
        journal.close()
    report_path = (result.run_dir / "report.html").resolve()
    dispatcher.send(
        bulk_stopped(result.run.id, result.aborted, result.counts, report_path,
                     resume_line(result.run.id, where=Path.cwd()), shop=settings.company) if result.aborted
        else bulk_finished(result.run.id, result.run.source, result.counts, report_path, shop=settings.company))
    print_summary(result, resume=resume_line(result.run.id))
    finish_alerts(dispatcher)
    if result.aborted:
        raise typer.Exit(ExitCode.ABORTED)
    raise typer.Exit(exit_code_for(i.outcome for i in result.items))


def _plan_for_apply(settings: Settings, source: Path, *, yes: bool, sheet: str | None, workers: int,
                    reviewed: bool) -> Plan:
    """The plan of a raw file: read from the portal first when a person looks at it (asked to apply it, or
    ``--confirm each``), so that what they saw is what the run expects; with ``--yes`` alone nobody does, and
    each posting is read once, just before its change (see ``plan_unread``)."""
    if _is_plan(source):
        return load_plan(source)
    if yes and not reviewed:
        plan = plan_unread(settings, source, created_by=operator_name(settings), sheet=sheet)
    else:
        plan = make_plan(settings, source, created_by=operator_name(settings), workers=workers, sheet=sheet,
                         code_source=code_source_for(settings, ask_code))
    print_plan(plan)
    if not yes:
        if not sys.stdin.isatty():
            raise InputError(_("applying a raw file needs a confirmation: add --yes, or plan and approve it first"))
        if not typer.confirm(_("Apply this plan?"), default=False):
            raise InputError(_("not applied: the person said no"))
    return plan


def _check_plan_for_apply(settings: Settings, plan: Plan, *, overwrite_changed: bool, resuming: bool) -> None:
    """Refuse a plan read too long ago (warn when old), and an unapproved overwrite where approval is required.

    Raises:
        InputError: the plan is too old (a resume only warns: its run was started in time), or
            ``--overwrite-changed`` was given for a plan that must be approved but does not carry it.
    """
    warning = check_age(plan, warn_after_h=settings.plan_warn_age_h,
                        refuse_after_h=float("inf") if resuming else settings.plan_max_age_h)
    if warning:
        label = _("warning:")
        console.print(f"[yellow]{escape(label)}[/] {escape(warning)}", highlight=False)
    if overwrite_changed and not plan.overwrite_changed and (settings.require_approval or settings.four_eyes):
        raise InputError(_("--overwrite-changed needs approval here: plan with `bulk plan --overwrite-changed` and "
                           "have that plan approved"))
    if overwrite_changed or plan.overwrite_changed:
        console.print("[yellow]overwrite-changed:[/] " + escape(_("numbers changed since the plan will be replaced "
                                                                   "(each is recorded)")), highlight=False)


def report(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="The run id (see 'ozon-rpa history').")],
) -> None:
    """(Re)build a run's report.html and results files from the journal."""
    settings = settings_from(ctx)
    journal = Journal(settings.journal_path)
    try:
        path = rebuild_report(settings, journal, run_id)
    except AgentError as err:
        fail(str(err), exit_for(err))
    finally:
        journal.close()
    console.print(_("report: {path}", path=path), highlight=False)
