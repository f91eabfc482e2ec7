"""``calibrate``: teach the agent the portal a person sees, into their portal profile; and the profile's check.

Importing this module registers the portal profile's check with :func:`agent.preflight.check_setup`, so every
command loads, checks and installs the profile (``OZON_RPA_PORTAL_PROFILE`` / ``--profile``) before any browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agent import preflight
from agent.cli.shared import ask_code, console, exit_for, fail, reach_portal, settings_from
from agent.core.errors import AgentError
from agent.core.i18n import _
from agent.core.problems import all_problems
from agent.core.records import ExitCode
from agent.core.settings import Settings
from agent.preflight import check_posting_number, check_setup
from pages.profile import use_profile

#: Where calibrate writes when no profile is named (OZON_RPA_PORTAL_PROFILE / --profile).
DEFAULT_PROFILE = Path("portal-profile.toml")


def check_profile(settings: Settings) -> None:
    """Load, check and install the portal profile (none: the label tables as shipped).

    Raises:
        ConfigError: the profile cannot be used; the message names the file, the line and the key.
    """
    use_profile(settings.portal_profile)


preflight.SETUP_CHECKS.append(check_profile)


def calibrate(
    ctx: typer.Context,
    posting: Annotated[str, typer.Argument(help="A posting whose tracking number you could change now.")],
    headless: Annotated[bool, typer.Option("--headless", help="No browser window (for tests).")] = False,
    otp_source: Annotated[str | None, typer.Option(help="prompt or sandbox (OZON_RPA_OTP_SOURCE).")] = None,
) -> None:
    """Teach the agent your portal: click each control it cannot find; writes your portal profile. Never saves."""
    from agent.runner import workbench
    from scenarios.calibrate import calibrate as teach
    from scenarios.calibrate import describe

    settings = settings_from(ctx, otp_source=otp_source, headless=headless)
    profile = settings.portal_profile or DEFAULT_PROFILE
    try:
        with all_problems() as checked:
            checked(check_posting_number, posting)
            # A profile still to be written is no error here: calibrate writes it.
            checked(check_setup, settings if profile.exists() else settings.model_copy(update={"portal_profile": None}))
    except AgentError as err:
        fail(str(err), exit_for(err))
    reach_portal(settings)
    try:
        with workbench(settings, ask_code) as bench:
            result = teach(bench.portal, posting, profile)
    except AgentError as err:
        fail(str(err), exit_for(err))
        return
    for key, entry in describe(result):
        console.print(_("learnt {key} = {entry}", key=key, entry=entry), highlight=False)
    if not result.asked:
        console.print(_("every control was found; the profile is unchanged"), highlight=False)
    else:
        console.print(_("portal profile written: {path}", path=profile), highlight=False)
        if settings.portal_profile is None:
            console.print(_("use it: set OZON_RPA_PORTAL_PROFILE={path} (or pass --profile {path})",
                            path=profile.resolve()), highlight=False)
    check = result.check
    if check is not None and not check.ok:
        for what, line, _seen in check.fixes:
            console.print(f"{what}" + (f" -> {line}" if line else ""), highlight=False)
        raise typer.Exit(ExitCode.SOME_FAILED)
    console.print(_("doctor's check: every control found"), highlight=False)
