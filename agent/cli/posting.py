"""Commands for one posting: ``login``, ``change``, ``notify`` and ``history``."""

from __future__ import annotations

import os
import sys
from contextlib import AbstractContextManager, nullcontext
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from agent.cli.bulk_approval import supervision_text
from agent.cli.shared import ask_code, console, exit_for, fail, outcome_style, print_json, reach_portal, settings_from
from agent.core.errors import AbortRun, AgentError, RunInProgress
from agent.core.i18n import _, pgettext, ui_lang
from agent.core.journal.leases import Lease
from agent.core.journal.rows import RunRecord
from agent.core.journal.store import Journal
from agent.core.problems import all_problems
from agent.core.records import ChangeRequest, ChangeResult, ExitCode, Lookup, exit_code_for
from agent.core.settings import Settings
from agent.core.spreadsheet_cells import SafeDictWriter
from agent.core.vocabulary import notice_label, outcome_label
from agent.preflight import check_change, check_notify, check_setup
from agent.rules.carriers import carrier_name
from agent.runner import reject_before_browser, run_change, run_notify, workbench


def login(
    ctx: typer.Context,
    interactive: Annotated[bool, typer.Option(help="Open a browser window for a person to finish.")] = False,
    otp_source: Annotated[str | None, typer.Option(help="prompt or sandbox (OZON_RPA_OTP_SOURCE).")] = None,
) -> None:
    """Sign in and save the browser state (mode 0600) for the next commands."""
    settings = settings_from(ctx, otp_source=otp_source, headless=False if interactive else None)
    try:
        check_setup(settings, code_needed=not interactive)  # a fresh sign-in; interactive: the person types it
    except AgentError as err:
        fail(str(err), exit_for(err))
    reach_portal(settings)
    try:
        if interactive:
            from agent.runner import interactive_login

            interactive_login(settings)
        else:
            with workbench(settings, ask_code, fresh=True):
                pass
    except AgentError as err:
        fail(str(err), exit_for(err))
    console.print(_("signed in; browser state saved to {path}", path=settings.storage_state_path), highlight=False)


def change(
    ctx: typer.Context,
    args: Annotated[list[str], typer.Argument(help="POSTING NUMBER (with --by-buyer/--by-keyword: NUMBER only)",
                                              show_default=False)],
    carrier: Annotated[str | None, typer.Option(help="Delivery service code, when it was wrong.")] = None,
    reason: Annotated[str, typer.Option(help="Why the number changes (kept in the journal).")] = "",
    notify: Annotated[bool, typer.Option(help="Tell the buyer through the portal chat.")] = False,
    force: Annotated[bool, typer.Option(help="Accept a number that fails its check digit.")] = False,
    allow_duplicate: Annotated[bool, typer.Option(help="Accept a number already on another posting.")] = False,
    by_buyer: Annotated[str | None, typer.Option(help="Find the posting by buyer name.")] = None,
    by_keyword: Annotated[str | None, typer.Option(help="Find the posting by a product word.")] = None,
    expect_item: Annotated[list[str] | None, typer.Option(help="Pre-check: SKU=QTY (repeatable).")] = None,
    expect_address: Annotated[str | None, typer.Option(help="Pre-check: part of the address.")] = None,
    pending: Annotated[bool, typer.Option(help="The carrier has no number yet: record it as pending.")] = False,
    otp_source: Annotated[str | None, typer.Option(help="prompt or sandbox (OZON_RPA_OTP_SOURCE).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Change one posting's tracking number end to end: find, check, edit, save, verify, record."""
    settings = settings_from(ctx, otp_source=otp_source)
    if by_buyer and by_keyword:
        fail(_("give --by-buyer or --by-keyword, not both"), ExitCode.BAD_INPUT)
    searching = bool(by_buyer or by_keyword)
    wanted = (0 if pending else 1) + (0 if searching else 1)
    if len(args) != wanted:
        usage = "NUMBER" if searching else "POSTING NUMBER"
        fail(_("expected {usage}, got {n} argument(s)", usage=usage.replace(" NUMBER", "") if pending else usage,
               n=len(args)), ExitCode.BAD_INPUT)
    items: dict[str, int] | None = None
    if expect_item:
        items = {}
        for spec in expect_item:
            sku, _eq, qty = spec.partition("=")
            if not sku or not qty.isdigit():
                fail(_("--expect-item {spec}: use SKU=QTY", spec=repr(spec)), ExitCode.BAD_INPUT)
            items[sku.strip()] = int(qty)
    request = ChangeRequest(
        posting_number="" if searching else args[0].strip(),
        new_tracking="" if pending else args[-1],
        carrier=carrier, reason=reason, notify=notify, force=force, allow_duplicate=allow_duplicate,
        lookup=Lookup.BUYER if by_buyer else Lookup.KEYWORD if by_keyword else Lookup.NUMBER,
        query=by_buyer or by_keyword or "", expected_items=items, expected_address=expect_address, pending=pending,
    )
    try:  # every problem at once: settings, sign-in, a posting number of the wrong shape (exit 2)
        with all_problems() as check:
            check(check_setup, settings)
            found = check(check_change, settings, request)
    except AgentError as err:
        fail(str(err), exit_for(err))
        return
    assert found is not None  # for the type checker: the collector raised otherwise
    checked = found
    request, warnings = checked.request, checked.warnings
    if checked.rejection:  # our own rules say no: recorded as rejected without opening the portal
        run, result = reject_before_browser(settings, request, checked.rejection)
        result.warnings = warnings
        _report(run.id, result, as_json)
        raise typer.Exit(ExitCode.SOME_FAILED)
    reach_portal(settings)
    try:
        # A posting that a live bulk run is applying is not changed beside it (exit 3, naming that run).
        with _posting_lease(settings, request.posting_number), workbench(settings, ask_code, sign_in=False) as bench:
            run, result = run_change(bench, request)
    except RunInProgress as err:
        fail(_("not changed: {why}", why=err), ExitCode.ABORTED)
    except AbortRun as err:
        fail(_("{why}\nThe posting is left pending; nothing was saved twice.", why=err), ExitCode.ABORTED)
    except AgentError as err:
        fail(str(err), exit_for(err))
    result.warnings = warnings + result.warnings
    _report(run.id, result, as_json)
    raise typer.Exit(exit_code_for([result.outcome]))


def _posting_lease(settings: Settings, posting_number: str) -> AbstractContextManager[object]:
    """The lease on one posting for this change (none when the posting is found by a search)."""
    if not posting_number:
        return nullcontext()
    return Lease(settings.state_dir / "locks", settings.journal_path, f"change-{posting_number}-{os.getpid()}",
                 "change", postings=[posting_number])


def _report(run_id: str, result: ChangeResult, as_json: bool) -> None:
    if as_json:
        print_json({"run": run_id, **result.model_dump(mode="json")})
        return
    style = outcome_style(result.outcome)
    none = _("(none)")
    old, new = result.old_tracking or none, result.new_tracking or none
    console.print(f"[bold {style}]{escape(outcome_label(result.outcome))}[/] "
                  + escape(_("{posting}: {old} -> {new}", posting=result.posting_number, old=old, new=new)),
                  highlight=False)
    if result.error:
        console.print("  " + escape(_("why: {why}", why=result.error)), highlight=False)
    label = _("warning:")
    for warning in result.warnings:
        console.print(f"  [yellow]{escape(label)}[/] {escape(warning)}", highlight=False)
    if result.notified:
        console.print("  " + escape(_("buyer notice: {notice}", notice=notice_label(result.notified))), highlight=False)
    console.print("  " + escape(_("run {run}; evidence: {files}", run=run_id,
                                  files=", ".join(result.evidence) or pgettext("evidence", "none"))), highlight=False)


def notify(
    ctx: typer.Context,
    posting: Annotated[str, typer.Argument(help="Posting number.")],
    otp_source: Annotated[str | None, typer.Option(help="prompt or sandbox (OZON_RPA_OTP_SOURCE).")] = None,
) -> None:
    """(Re)send the buyer notice of a posting's last change (or of the delay, when it is pending)."""
    settings = settings_from(ctx, otp_source=otp_source)
    try:  # every problem at once: settings, sign-in, a posting with a recorded change, before any browser
        with all_problems() as check:
            check(check_setup, settings)
            posting = check(check_notify, settings, posting) or posting
    except AgentError as err:
        fail(str(err), exit_for(err))
    reach_portal(settings)
    try:
        with workbench(settings, ask_code) as bench:
            notified = run_notify(bench, posting)
    except AgentError as err:
        fail(str(err), exit_for(err))
    console.print(f"{posting}: {escape(notice_label(notified))}", highlight=False)
    raise typer.Exit(ExitCode.OK if notified == "sent" else ExitCode.SOME_FAILED)


def history(
    ctx: typer.Context,
    posting: Annotated[str | None, typer.Argument(help="Only this posting.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    since: Annotated[str | None, typer.Option(help="Only changes since this date (YYYY-MM-DD).")] = None,
) -> None:
    """The change journal: posting, old and new number, carrier, when, who, why, outcome."""
    settings = settings_from(ctx)
    if fmt not in ("table", "csv", "json"):
        fail(_("--format must be table, csv or json"), ExitCode.BAD_INPUT)
    journal = Journal(settings.journal_path)
    try:
        runs = {r.id: r for r in journal.runs(limit=100_000)}
        rows = [
            {"finished_at": i.finished_at, "posting_number": i.posting_number, "old_tracking": i.old_tracking,
             "new_tracking": i.new_tracking, "carrier": i.carrier or "", "outcome": i.outcome.value,
             "reason": i.reason, "error": i.error, "operator": runs[i.run_id].operator if i.run_id in runs else "",
             "run": i.run_id, "notified": i.notified, **_supervision(runs.get(i.run_id))}
            for i in journal.history(posting, since)
        ]
    finally:
        journal.close()
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        writer = SafeDictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["posting_number"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(pgettext("column", "when"), pgettext("column", "posting"), pgettext("column", "old"),
                      pgettext("column", "new"), pgettext("column", "carrier"), pgettext("column", "outcome"),
                      pgettext("column", "who"), pgettext("column", "approved by"), pgettext("column", "why"))
        for r in rows:
            table.add_row(str(r["finished_at"])[:19], str(r["posting_number"]), str(r["old_tracking"]),
                          str(r["new_tracking"]), carrier_name(str(r["carrier"]), ui_lang()),
                          f"[{outcome_style(str(r['outcome']))}]{outcome_label(r['outcome'])}[/]", str(r["operator"]),
                          supervision_text(str(r["approved_by"]), str(r["approver_key"]), short=True),
                          str(r["reason"] or r["error"]))
        console.print(table)
        if not rows:
            console.print(_("no changes recorded yet"))


def _supervision(run: RunRecord | None) -> dict[str, str]:
    """Who planned and approved a change's run, and with which keys (a bulk run's; empty for others)."""
    return {"planned_by": run.planned_by if run else "", "planner_key": run.planner_key if run else "",
            "approved_by": run.approved_by if run else "", "approver_key": run.approver_key if run else ""}
