"""Commands over time: ``watch`` (flag abnormal postings, once or on a schedule) and ``stats`` (change analytics)."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from agent.cli.app import app, ask_code, console, exit_for, fail, print_json, reach_portal, settings_from
from agent.core.errors import AgentError
from agent.core.i18n import _, ngettext, pgettext
from agent.core.journal import Journal
from agent.core.records import ExitCode
from agent.core.spreadsheet_cells import SafeCsvWriter
from agent.core.vocabulary import outcome_label, posting_status_label
from agent.preflight import check_setup
from agent.rules.anomalies import Finding
from agent.stats.analytics import ChangeStats, change_stats, stats_rows
from agent.stats.report import carrier_label, reason_label, write_stats_html
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


@app.command()
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
    reach_portal(settings)  # once, up front; later scans meet an outage in the watch's own way

    def show(result: ScanResult) -> None:
        _print_scan(result.run_id, result.findings, result.facts.rows_seen, result.facts.drawers_read,
                    result.facts.seconds, result.report, result.csv)

    try:
        outcome = run_watch(settings, ask_code, every_s=every_s, max_scans=max_scans,
                            tabs=("all",) if all_tabs else DEFAULT_TABS, on_scan=show)
    except AgentError as err:
        # Exit 1 means "postings flagged": a scan that could not finish (the portal failed) is 3, not 1.
        fail(_("{why}\nThe scan could not finish.", why=err), ExitCode.ABORTED if exit_for(err) == ExitCode.SOME_FAILED
             else exit_for(err))
        return
    if outcome.aborted:
        fail(_("{why}\nThe watch stopped; run it again once the cause is cleared (a person clears the "
               "anti-bot check; UI drift needs the label table fixed).", why=outcome.aborted), ExitCode.ABORTED)
    if outcome.interrupted:
        console.print(ngettext("stopped after {n} scan", "stopped after {n} scans", len(outcome.scans)))
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


@app.command()
def stats(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="Only changes since this date (YYYY-MM-DD).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or html.")] = "table",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Where the HTML goes "
                                                                       "(default STATE_DIR/stats.html).")] = None,
) -> None:
    """Change analytics: per carrier and reason, repeat changes, failure causes, outcomes, time per change."""
    settings = settings_from(ctx)
    if fmt not in ("table", "csv", "json", "html"):
        fail(_("--format must be table, csv, json or html"), ExitCode.BAD_INPUT)
    if since:
        try:
            date.fromisoformat(since)
        except ValueError:
            fail(_("--since {since}: use YYYY-MM-DD", since=repr(since)), ExitCode.BAD_INPUT)
    journal = Journal(settings.journal_path)
    try:
        figures = change_stats(journal.history(since=since), since=since)
    finally:
        journal.close()
    if fmt == "json":
        print_json(figures.model_dump(mode="json"))
    elif fmt == "csv":
        writer = SafeCsvWriter(sys.stdout)
        writer.writerow(("section", "key", "value"))
        writer.writerows(stats_rows(figures))
    elif fmt == "html":
        path = write_stats_html(output or settings.state_dir / "stats.html", figures)
        console.print(str(path), highlight=False, soft_wrap=True)
    else:
        _print_stats(figures)


def _print_stats(figures: ChangeStats) -> None:
    timing = figures.time_per_change
    outcomes = ", ".join(f"{outcome_label(k)} {v}" for k, v in figures.outcomes.items())
    handled = (ngettext("{n} postings handled since {since}", "{n} postings handled since {since}", figures.items,
                        since=figures.since) if figures.since
               else ngettext("{n} postings handled", "{n} postings handled", figures.items))
    console.print(f"{handled}: {outcomes}", highlight=False)
    if timing.count:
        console.print(ngettext("time per change: average {mean}s, median {median}s ({n} change)",
                               "time per change: average {mean}s, median {median}s ({n} changes)", timing.count,
                               mean=f"{timing.mean_s:.1f}", median=f"{timing.median_s:.1f}"), highlight=False)
    for title, counts, label in ((_("changes per carrier"), figures.by_carrier, carrier_label),
                                 (_("changes per reason"), figures.by_reason, reason_label),
                                 (_("postings changed more than once"), figures.changed_more_than_once, str)):
        if counts:
            table = Table(pgettext("column", "key"), pgettext("column", "changes"), title=title)
            for c in counts:
                table.add_row(escape(label(c.key)), str(c.count))
            console.print(table)
    if figures.failure_causes:
        table = Table(pgettext("column", "outcome"), pgettext("column", "cause"), pgettext("column", "count"),
                      title=_("failure causes"))
        for cause in figures.failure_causes:
            table.add_row(outcome_label(cause.outcome), cause.cause, str(cause.count))
        console.print(table)
