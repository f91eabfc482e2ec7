"""``ozon-rpa``: the user's whole surface, assembled here. Thin: parse, build Settings, call the runner, print, exit.

Every command is registered below, in the order ``ozon-rpa --help`` lists them; each lives in the module of its
group (:mod:`agent.cli.posting`, :mod:`agent.cli.bulk`, ...), which imports :mod:`agent.cli.shared` and never this
module, so nothing imports the app back.

Exit codes: 0 all changed/unchanged; 1 any rejected/failed; 2 bad usage or unreadable input;
3 aborted (anti-bot, circuit breaker, a person stopped it), resumable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from agent.cli import alert, bulk, calibrate, capture, getting_started, machine_setup, posting, stats, watch
from agent.cli.localized import LocalizedGroup
from agent.core.i18n import set_ui_lang
from agent.core.logs import configure_logging
from agent.core.settings import Settings

app = typer.Typer(
    name="ozon-rpa",
    cls=LocalizedGroup,  # --help, the command list and usage errors in the operator's language
    help="Set and change shipment tracking numbers in the Ozon seller back-office, with evidence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


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


# Every command, in the order ``ozon-rpa --help`` lists them (the groups last: alert, bulk).
app.command()(bulk.report)
app.command()(calibrate.calibrate)
app.command()(capture.capture)
app.command()(posting.login)
app.command()(posting.change)
app.command()(posting.notify)
app.command()(posting.history)
app.command()(machine_setup.setup)
app.command()(getting_started.sandbox)
app.command()(getting_started.doctor)
app.command()(getting_started.demo)
app.command()(watch.watch)
app.command()(stats.stats)
app.add_typer(alert.alert, name="alert")
app.add_typer(bulk.bulk, name="bulk")

__all__ = ["app", "main"]
