"""What the bulk commands (and ``demo``) print: the plan, row by row, a run's progress and its summary."""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from agent.bulk.plan import Plan
from agent.bulk.plan_checks import read_moment
from agent.bulk.runner import ApplyOutcome, apply_run
from agent.cli.shared import ask_code, console, outcome_style
from agent.core.i18n import _, pgettext, ui_lang
from agent.core.journal.rows import RunRecord
from agent.core.journal.store import Journal
from agent.core.records import ChangeResult, Outcome
from agent.core.settings import Settings
from agent.core.vocabulary import outcome_label
from agent.rules.carriers import carrier_name
from agent.runner import code_source_for


def print_plan(plan: Plan, *, limit: int = 60) -> None:
    """The plan's rows (old -> new, action, why) and a summary by action."""
    table = Table(pgettext("column", "row"), pgettext("column", "posting"), pgettext("column", "old"),
                  pgettext("column", "new"), pgettext("column", "carrier"), pgettext("column", "action"),
                  pgettext("column", "why / warnings"), title=_("plan of {file}", file=plan.source))
    style = {"change": "green", "unchanged": "cyan", "pending": "magenta", "rejected": "yellow"}
    for row in plan.rows[:limit]:
        notes = "; ".join([row.why, *row.warnings]) if row.why else "; ".join(row.warnings)
        table.add_row(str(row.row_number or ""), row.posting_number, row.old_tracking, row.new_tracking,
                      carrier_name(row.carrier, ui_lang()), f"[{style[row.action]}]{action_label(row.action)}[/]",
                      escape(notes))
    console.print(table)
    if len(plan.rows) > limit:
        console.print(_("... and {n} more rows (see the plan file)", n=len(plan.rows) - limit))
    counts = plan.counts()
    shown = ", ".join(f"{action_label(k)} {v}" for k, v in counts.items())
    console.print(_("summary: {counts}; hash {hash}", counts=shown, hash=plan.content_hash[:12]), highlight=False)
    overwrite_note = _("overwrite-changed: numbers changed after this read WILL be replaced")
    then = (f"[yellow]{escape(overwrite_note)}[/]" if plan.overwrite_changed
            else escape(_("a posting changed after this read will be rejected, not overwritten")))
    if not any(row.read_at for row in plan.rows):
        console.print(_("postings not read yet: each is read just before its change"), highlight=False)
        return
    try:
        read = read_moment(plan).isoformat(timespec="seconds")
    except ValueError:
        read = _("(unreadable times)")
    console.print(_("postings read at {moment} or later; {then}", moment=read, then=then), highlight=False)


def action_label(action: str) -> str:
    """A plan row's action (``change``, ``unchanged``, ``pending``, ``rejected``) in the operator's words."""
    labels = {"change": pgettext("plan action", "change"), "unchanged": pgettext("plan action", "unchanged"),
              "pending": pgettext("plan action", "pending"), "rejected": pgettext("plan action", "rejected")}
    return labels.get(action, action)


#: The global options that shape a run (``ctx.obj`` keys), as they are written on the command line.
_GLOBAL_OPTIONS = (("base_url", "--base-url"), ("state_dir", "--state-dir"), ("lang", "--lang"),
                   ("ui_lang", "--ui-lang"), ("portal_profile", "--profile"))


def resume_command(run_id: str, global_options: Mapping[str, Any] | None = None, *, otp_source: str | None = None,
                   where: Path | None = None) -> str:
    """The command that resumes a run exactly as it was started: the same global options (state folder, portal,
    profile ...) and, with ``where``, from the same folder (a relative state folder and ``.env`` are read there).

    >>> resume_command("20261126-bulk-1a2b", {"state_dir": Path("shop1")}, where=Path("/srv/ozon"))
    'cd /srv/ozon && ozon-rpa --state-dir shop1 bulk apply --resume 20261126-bulk-1a2b'
    """
    options = dict(global_options or {})
    args = ["ozon-rpa"]
    for key, option in _GLOBAL_OPTIONS:
        if options.get(key):
            args += [option, str(options[key])]
    if options.get("headless") is False:
        args.append("--headed")
    args += ["bulk", "apply", "--resume", run_id]
    if otp_source:
        args += ["--otp-source", otp_source]
    windows = os.name == "nt"
    command = subprocess.list2cmdline(args) if windows else shlex.join(args)
    if where is None:
        return command
    folder = subprocess.list2cmdline([str(where)]) if windows else shlex.quote(str(where))
    return f"cd /d {folder} && {command}" if windows else f"cd {folder} && {command}"


def print_summary(result: ApplyOutcome, resume: str | None = None) -> None:
    """Counts by outcome, where the report is, and how to resume (``resume``: the exact command)."""
    table = Table(pgettext("column", "outcome"), pgettext("column", "postings"))
    for outcome, count in result.counts.items():
        if count:
            table.add_row(f"[{outcome_style(outcome)}]{outcome_label(outcome)}[/]", str(count))
    console.print(table)
    for note in result.notes:  # re-sent saves, or why they could not be counted: said once for the run
        console.print(f"[yellow]{escape(note)}[/]", highlight=False)
    console.print(_("report:  {path}", path=(result.run_dir / "report.html").resolve()), highlight=False)
    console.print(_("results: {path} and results.xlsx", path=(result.run_dir / "results.csv").resolve()),
                  highlight=False)
    if result.aborted:
        label = _("stopped:")
        console.print(f"[bold red]{escape(label)}[/] {escape(str(result.aborted))}", highlight=False)
        console.print(_("resume with: {command}", command=resume) if resume else
                      _("resume with: ozon-rpa bulk apply --resume {run}", run=result.run.id), highlight=False)


def apply_with_progress(settings: Settings, journal: Journal, run_record: RunRecord, run_dir: Path, plan: Plan, *,
                        workers: int, max_rate: float | None, confirm_each: bool,
                        overwrite_changed: bool = False) -> ApplyOutcome:
    """Apply the run's rows under a progress bar (counts per outcome, rate); ``--confirm each`` asks before each save,
    the bar paused while the person answers."""
    todo = sum(1 for item in journal.items(run_record.id) if not item.done)
    counts = {o.value: 0 for o in Outcome}
    lock = threading.Lock()
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
               TextColumn("{task.fields[counts]}"), TextColumn("{task.fields[rate]}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(escape(_("applying")), total=todo, counts="", rate=_("{n}/min", n=0))

        def progress(result: ChangeResult) -> None:
            with lock:
                counts[result.outcome.value] += 1
                elapsed = bar.tasks[task].elapsed or 0
                done = sum(counts.values())
                shown = " ".join(f"[{outcome_style(k)}]{outcome_label(k)} {v}[/]" for k, v in counts.items() if v)
                bar.update(task, advance=1, counts=shown,
                           rate=_("{n}/min", n=f"{60 * done / elapsed:.0f}" if elapsed else "0"))

        def ask(posting: str, old: str, new: str) -> bool:
            bar.stop()
            answer = bool(typer.confirm(_("{posting}: {old} -> {new}. Save?", posting=posting, old=old or _("(none)"),
                                          new=new), default=True))
            bar.start()
            return answer

        return apply_run(settings, journal, run_record, run_dir, plan, code_source=code_source_for(settings, ask_code),
                         workers=workers, max_rate=max_rate, progress=progress,
                         confirm=ask if confirm_each else None, overwrite_changed=overwrite_changed)

