"""``ozon-rpa``: the user's whole surface. Thin: parse, build Settings, call the runner, print, exit.

Exit codes: 0 all changed/unchanged; 1 any rejected/failed; 2 bad usage or unreadable input;
3 aborted (anti-bot, circuit breaker, a person stopped it), resumable.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from loguru import logger
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from agent.core.errors import AbortRun, AgentError, ConfigError, InputError
from agent.core.i18n import _, set_ui_lang
from agent.core.logs import configure_logging
from agent.core.records import ExitCode, Outcome
from agent.core.settings import Settings

app = typer.Typer(
    name="ozon-rpa",
    help="Set and change shipment tracking numbers in the Ozon seller back-office, with evidence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console(width=None if sys.stdout.isatty() else 160)


@app.callback()
def main(
    ctx: typer.Context,
    base_url: Annotated[str | None, typer.Option(help="Portal URL (OZON_RPA_BASE_URL).")] = None,
    state_dir: Annotated[Path | None, typer.Option(help="Journal, state and runs (OZON_RPA_STATE_DIR).")] = None,
    lang: Annotated[str | None, typer.Option(help="Portal language: ru, en, zh (OZON_RPA_LANG).")] = None,
    ui_lang: Annotated[str | None, typer.Option(
        help="Language of messages and reports: zh, ru, en (OZON_RPA_UI_LANG; default: the system locale's, "
             "then the portal's).")] = None,
    profile: Annotated[Path | None, typer.Option(
        "--profile", help="Your portal profile: labels and locators in TOML (OZON_RPA_PORTAL_PROFILE).")] = None,
    headed: Annotated[bool, typer.Option("--headed", help="Show the browser window.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
) -> None:
    """Global options; every one can also come from OZON_RPA_* variables or a .env file."""
    overrides: dict[str, Any] = {}
    if base_url:
        overrides["base_url"] = base_url
    if state_dir:
        overrides["state_dir"] = state_dir
    if lang:
        overrides["lang"] = lang
    if ui_lang:
        overrides["ui_lang"] = ui_lang
    if profile:
        overrides["portal_profile"] = profile
    if headed:
        overrides["headless"] = False
    configure_logging("DEBUG" if verbose else "INFO")
    ctx.obj = overrides
    try:  # speak the operator's language from the first message; bad settings are reported by the command
        set_ui_lang(Settings(**overrides).ui_language)
    except ValidationError:
        pass


def settings_from(ctx: typer.Context, **more: Any) -> Settings:
    """Build the one Settings object (command-line options win over the environment and .env)."""
    overrides = dict(ctx.obj or {})
    overrides.update({k: v for k, v in more.items() if v is not None})
    try:
        settings = Settings(**overrides)
        set_ui_lang(settings.ui_language)
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


def reach_portal(settings: Settings) -> None:
    """The first contact with the portal, once and before any browser: exit 3 with what to do if it fails.

    Commands that drive the portal call this after their other checks (agent.preflight) and before the
    browser starts; commands that need no portal (history, stats, report, bulk approve, sandbox) do not.
    """
    from agent.core.portal_check import PortalUnreachable, check_portal

    if not settings.portal_check:
        logger.debug("portal: first-contact check turned off (OZON_RPA_PORTAL_CHECK=false)")
        return
    try:
        answer = check_portal(settings)
    except PortalUnreachable as err:
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


# Commands live in their own modules; importing them registers them on ``app`` (in this order, the order of --help).
# isort: off
from agent.cli import bulk, calibrate, capture, posting, getting_started, watch  # noqa: E402, F401
# isort: on

__all__ = ["app", "main"]
