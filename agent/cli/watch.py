"""``watch``: flag abnormal postings, once or on a schedule (a command over time, like ``stats``)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from agent.cli.alerting import finish_alerts, start_alerts
from agent.cli.shared import ask_code, console, exit_for, fail, reach_portal, settings_from
from agent.core.errors import AgentError
from agent.core.i18n import _, ngettext, pgettext
from agent.core.records import ExitCode
from agent.core.vocabulary import posting_status_label
from agent.preflight import check_setup
from agent.rules.anomalies import Finding
from agent.watch.alerts import WatchAlerts
from agent.watch.report import RULE_LABELS, by_posting
from agent.watch.runner import DEFAULT_TABS, ScanResult
from agent.watch.runner import watch as run_watch

_EVERY = re.compile(r"(\d+(?:\.\d+)?)\s*([smh])")
_UNIT_S = {"s": 1, "m": 60, "h": 3600}


def parse_every(text: str) -> float:
    """Seconds of an interval written ``30s``, ``10m`` or ``1h``.

    Raises:
        ValueError: any other form, or zero.
    """
    match = _EVERY.fullmatch(text.strip().lower())
    if not match or float(match.group(1)) <= 0:
        raise ValueError(_("--every {text}: use a number with s, m or h, e.g. 30s, 10m, 1h", text=repr(text)))
    return float(match.group(1)) * _UNIT_S[match.group(2)]


def watch(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Scan once and exit (the default).")] = False,
    every: Annotated[str | None, typer.Option(help="Scan again every 30s / 10m / 1h until stopped.")] = None,
    max_scans: Annotated[int | None, typer.Option(min=1, help="Stop after N scans (with --every).")] = None,
    stuck_days: Annotated[int | None, typer.Option(min=1, help="Days in one status that count as stuck "
                                                               "(OZON_RPA_STUCK_DAYS, default 10).")] = None,
    all_tabs: Annotated[bool, typer.Option("--all-tabs", help="Scan the All tab, not only awaiting "
                                                              "shipment and delivering.")] = False,
    otp_source: Annotated[str | None, typer.Option(help="prompt or sandbox (OZON_RPA_OTP_SOURCE).")] = None,
) -> None:
    """Scan order statuses read-only and flag abnormal postings. Exit 1 when anything is flagged, 0 when clean."""
    settings = settings_from(ctx, otp_source=otp_source, stuck_days=stuck_days)
    if once and every:
        fail(_("give --once or --every, not both"), ExitCode.BAD_INPUT)
    every_s = None
    if every:
        try:
            every_s = parse_every(every)
        except ValueError as err:
            fail(str(err), ExitCode.BAD_INPUT)
    try:
        check_setup(settings)
    except AgentError as err:
        fail(str(err), exit_for(err))
    tabs = ("all",) if all_tabs else DEFAULT_TABS
    dispatcher = start_alerts(settings)
    alerts = WatchAlerts(settings, dispatcher, tabs)

    def done_alerting() -> None:
        finish_alerts(dispatcher)
        alerts.close()

    def unreachable(why: str) -> None:
        alerts.could_not_scan("portal", why, continues=False)
        done_alerting()

    reach_portal(settings, unreachable)  # once, up front; later scans meet an outage in the watch's own way

    def show(result: ScanResult) -> None:
        _print_scan(result.run_id, result.findings, result.facts.rows_seen, result.facts.drawers_read,
                    result.facts.seconds, result.report, result.csv)

    # Nobody at a terminal (cron, a timer): a lapsed session is reported, and no one-time code is asked for that
    # nobody would type (each ask sends the seller an SMS).
    ask = ask_code if sys.stdin.isatty() else None
    try:
        outcome = run_watch(settings, ask, every_s=every_s, max_scans=max_scans, tabs=tabs, on_scan=show,
                            alerts=alerts)
    except AgentError as err:
        done_alerting()
        # Exit 1 means "postings flagged": a scan that could not finish (the portal failed) is 3, not 1.
        fail(_("{why}\nThe scan could not finish.", why=err), ExitCode.ABORTED if exit_for(err) == ExitCode.SOME_FAILED
             else exit_for(err))
        return
    done_alerting()
    if outcome.aborted:
        fail(_("{why}\nThe watch stopped; run it again once the cause is cleared (a person clears the "
               "anti-bot check; UI drift needs the label table fixed).", why=outcome.aborted), ExitCode.ABORTED)
    if outcome.interrupted:
        console.print(ngettext("stopped after {n} scan", "stopped after {n} scans", len(outcome.scans)))
    elif outcome.last_failure:
        fail(_("{why}\nThe last scan could not finish.", why=outcome.last_failure), ExitCode.ABORTED)
    raise typer.Exit(outcome.exit_code)


def _print_scan(run_id: str, findings: list[Finding], rows: int, drawers: int, seconds: float, report: Path,
                csv_path: Path) -> None:
    flagged = by_posting(findings)
    if flagged:
        table = Table(pgettext("column", "posting"), pgettext("column", "status"), pgettext("column", "tracking"),
                      pgettext("column", "why"),
                      title=ngettext("scan {run}: {n} flagged", "scan {run}: {n} flagged", len(flagged), run=run_id))
        for p in flagged:
            why = "\n".join(f"{_(RULE_LABELS[f.rule.value])}: {f.detail}" for f in p.findings)
            table.add_row(p.posting_number, posting_status_label(p.status), p.tracking_number or "—", why)
        console.print(table)
    else:
        console.print(_("scan {run}: nothing abnormal", run=run_id), highlight=False)
    console.print("  " + _("{rows} postings listed, {drawers} drawers opened, {seconds}s", rows=rows, drawers=drawers,
                           seconds=f"{seconds:.1f}"), highlight=False)
    console.print("  " + _("report: {path}", path=report) + "\n  " + _("csv: {path}", path=csv_path), highlight=False)
