"""``stats``: change analytics over the journal, as a table, CSV, JSON or an HTML page."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from agent.cli.shared import console, fail, print_json, settings_from
from agent.core.i18n import _, ngettext, pgettext
from agent.core.journal.store import Journal
from agent.core.records import ExitCode
from agent.core.spreadsheet_cells import SafeCsvWriter
from agent.core.vocabulary import outcome_label
from agent.stats.analytics import ChangeStats, change_stats, stats_rows
from agent.stats.report import carrier_label, reason_label, write_stats_html


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
