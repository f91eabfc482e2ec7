"""What commands share about alerts: starting the dispatcher, finishing it with a line per alert that did not
go out, and the doctor's line about them. Command modules import this (like :mod:`agent.cli.shared`)."""

from __future__ import annotations

from rich.markup import escape

from agent.alerts.delivery import Dispatcher
from agent.alerts.targets import load_targets
from agent.cli.shared import console
from agent.core.i18n import _, ngettext
from agent.core.settings import Settings


def start_alerts(settings: Settings) -> Dispatcher:
    """The command's alert dispatcher (inert when ``OZON_RPA_ALERT_URLS`` is not set)."""
    return Dispatcher.for_settings(settings)


def finish_alerts(dispatcher: Dispatcher) -> None:
    """Wait for the alerts still on their way (at most ``OZON_RPA_ALERT_TIMEOUT_S``), then say in the summary
    which did not go out (each was a warning in the log already). Never fails the command."""
    dispatcher.close()
    label = _("warning:")
    for problem in dispatcher.problems:
        console.print(f"[yellow]{escape(label)}[/] {escape(problem)}", highlight=False)
    for failure in dispatcher.undelivered:
        console.print(f"[yellow]{escape(label)}[/] {escape(str(failure))}", highlight=False)
    if dispatcher.sent:
        targets = sorted({target for _title, target in dispatcher.sent})
        console.print(ngettext("{n} alert sent ({targets})", "{n} alerts sent ({targets})", len(dispatcher.sent),
                               targets="; ".join(targets)), highlight=False)


def alerts_check(settings: Settings) -> tuple[str, bool, str]:
    """The doctor's line about alerts: off, or where they go (service and host only), and any unusable URL."""
    targets = load_targets(settings)
    if not targets.configured:
        return "alerts", True, _("off: set OZON_RPA_ALERT_URLS to be told of abnormal postings and stopped runs")
    detail = ngettext("{n} target: {targets}", "{n} targets: {targets}", len(targets.targets),
                      targets=targets.describe() or "—")
    return "alerts", not targets.problems, "; ".join([detail, *targets.problems])
