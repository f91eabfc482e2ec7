"""What every command shares: the console, settings from the command line, failing with an exit code.

Command modules import this, never :mod:`agent.cli.app` (which imports them all).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import typer
from loguru import logger
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from agent.alerts.targets import alert_urls
from agent.core.errors import AbortRun, AgentError, ConfigError, InputError
from agent.core.i18n import _, set_ui_lang
from agent.core.records import ExitCode, Outcome
from agent.core.settings import Settings

console = Console(width=None if sys.stdout.isatty() else 160)


def settings_from(ctx: typer.Context, **more: Any) -> Settings:
    """Build the one Settings object (command-line options win over the environment and .env)."""
    overrides = dict(ctx.obj or {})
    overrides.update({k: v for k, v in more.items() if v is not None})
    try:
        settings = Settings(**overrides)
        set_ui_lang(settings.ui_language)
        alert_urls(settings)  # from the first moment on, no log line can show a token of an alert URL
        return settings
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        fail(_("invalid settings: {problems}", problems=problems), ExitCode.BAD_INPUT)
        raise  # unreachable, for type checkers


def fail(message: str, code: int) -> None:
    """Print an error for people and exit with ``code``."""
    # Escaped: messages quote URLs and file content, and "[::1]" or "[x]" must not be read as markup.
    label = _("error:")
    console.print(f"[bold red]{escape(label)}[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def reach_portal(settings: Settings, before_failing: Callable[[str], None] | None = None) -> None:
    """The first contact with the portal, once and before any browser: exit 3 with what to do if it fails.

    Commands that drive the portal call this after their other checks (agent.preflight) and before the
    browser starts; commands that need no portal (history, stats, report, bulk approve, sandbox) do not.
    ``before_failing`` hears why, before the command ends (the watch alerts it).
    """
    from agent.core.browser.portal_check import PortalUnreachable, check_portal

    if not settings.portal_check:
        logger.debug("portal: first-contact check turned off (OZON_RPA_PORTAL_CHECK=false)")
        return
    try:
        answer = check_portal(settings)
    except PortalUnreachable as err:
        if before_failing is not None:
            before_failing(str(err))
        fail(str(err), ExitCode.ABORTED)
        return
    logger.debug("portal: {}", answer.describe())


def ask_code(prompt: str) -> str:
    """Ask a person for the one-time code (hidden input); refuse when nobody is at the terminal."""
    if not sys.stdin.isatty():
        raise ConfigError(_("a one-time code is needed but there is no terminal to ask: run 'ozon-rpa login' first"))
    return str(typer.prompt(prompt, hide_input=True))


def exit_for(err: AgentError) -> int:
    """The exit code of an error that ended a command."""
    if isinstance(err, AbortRun):
        return ExitCode.ABORTED
    if isinstance(err, InputError | ConfigError):
        return ExitCode.BAD_INPUT
    return ExitCode.SOME_FAILED


def outcome_style(outcome: Outcome | str) -> str:
    """Rich style of an outcome word."""
    return {"changed": "green", "unchanged": "cyan", "rejected": "yellow", "failed": "red"}.get(str(outcome), "dim")


def print_json(data: Any) -> None:
    """Print data as JSON (for scripts)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
