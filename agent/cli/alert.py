"""``ozon-rpa alert test``: send a test alert to every ``OZON_RPA_ALERT_URLS`` target and say how it went."""

from __future__ import annotations

import socket

import typer
from rich.markup import escape

from agent.alerts.delivery import Dispatcher
from agent.alerts.messages import test_alert
from agent.alerts.targets import load_targets
from agent.cli.shared import console, fail, settings_from
from agent.core.i18n import _
from agent.core.records import ExitCode
from agent.runner import operator_name

alert = typer.Typer(help="Alerts (OZON_RPA_ALERT_URLS): send a test message.", no_args_is_help=True)


@alert.command("test")
def test_command(ctx: typer.Context) -> None:
    """Send a test alert to every target. Exit 1 when one could not be delivered, 2 when none is set up."""
    settings = settings_from(ctx)
    targets = load_targets(settings)
    if not targets.configured:
        fail(_("no alert target: set OZON_RPA_ALERT_URLS to one or more Apprise URLs (e.g. tgram://BOT_TOKEN/CHAT_ID, "
               "wecombot://KEY, mailto://user:password@example.com), separated by spaces"), ExitCode.BAD_INPUT)
    label = _("error:")
    for problem in targets.problems:
        console.print(f"[bold red]{escape(label)}[/] {escape(problem)}", highlight=False)
    dispatcher = Dispatcher(targets, cap_s=settings.alert_timeout_s)
    dispatcher.send(test_alert(operator_name(settings), socket.gethostname(), shop=settings.company))
    dispatcher.close()
    reached = {target for _title, target in dispatcher.sent}
    for target in targets.targets:
        if target.label in reached:
            console.print("[green]" + escape(_("delivered to {target}", target=target.label)) + "[/]", highlight=False)
    for failure in dispatcher.undelivered:
        console.print(f"[bold red]{escape(label)}[/] {escape(str(failure))}", highlight=False)
    if targets.problems:
        raise typer.Exit(ExitCode.BAD_INPUT)
    if dispatcher.undelivered or not reached:
        raise typer.Exit(ExitCode.SOME_FAILED)
