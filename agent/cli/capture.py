"""``ozon-rpa capture``: a read-only record of the portal (ARIA snapshots, optionally a HAR) for a bug report.

Everything goes into one zip (mode 0600) with cookies, tokens, codes and buyer data redacted; it never saves.
"""

from __future__ import annotations

import json
import tempfile
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from playwright.sync_api import Error as PlaywrightError

from agent.cli.shared import ask_code, console, exit_for, fail, reach_portal, settings_from
from agent.core.browser.choice import choose_browser, launched_browser
from agent.core.browser.hosts import ensure_allowed
from agent.core.browser.session import new_context, save_state
from agent.core.errors import AgentError
from agent.core.settings import Settings
from agent.preflight import check_setup
from agent.runner import code_source_for
from scenarios.capture import Redactor, walk, write_bundle
from scenarios.portal import Portal


def capture(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="The zip to write.")] = None,
    har: Annotated[bool, typer.Option("--har", help="Also record the session's traffic (a HAR, redacted).")] = False,
    posting: Annotated[str | None, typer.Option(help="The posting to open (default: the first editable one).")] = None,
    otp_source: Annotated[str | None, typer.Option(help="prompt or sandbox (OZON_RPA_OTP_SOURCE).")] = None,
) -> None:
    """Record the list, a posting's drawer and the tracking dialog (cancelled, never saved) for a bug report."""
    settings = settings_from(ctx, otp_source=otp_source)
    try:
        check_setup(settings)
    except AgentError as err:
        fail(str(err), exit_for(err))
    reach_portal(settings)
    target = output or Path(f"ozon-rpa-capture-{datetime.now(UTC):%Y%m%d-%H%M%S}.zip")
    try:
        posting_number = run_capture(settings, target, har=har, posting=posting)
    except (AgentError, LookupError) as err:
        fail(str(err), exit_for(err) if isinstance(err, AgentError) else 1)
    console.print(f"capture of posting {posting_number} written to {target} (secrets and buyer data redacted)",
                  highlight=False)


def run_capture(settings: Settings, target: Path, *, har: bool, posting: str | None) -> str:
    """Walk the portal read-only in a browser of its own and write the redacted bundle; the posting walked."""
    ensure_allowed(settings)
    redactor = Redactor()
    with tempfile.TemporaryDirectory(prefix="ozon-rpa-capture-") as scratch:
        har_path = Path(scratch) / "session.har" if har else None
        recording: dict[str, Any] = {}
        if har_path is not None:  # the bodies embedded, so the HAR alone can be replayed offline
            recording = {"record_har_path": str(har_path), "record_har_content": "embed"}
        with launched_browser(choose_browser(settings), headless=settings.headless) as (_pw, browser):
            context = new_context(browser, settings, **recording)
            context.on("response", redactor.learn_response)
            try:
                portal = Portal(context.new_page(), settings, code_source_for(settings, ask_code))
                snapshots = walk(portal, redactor, posting)
                with suppress(PlaywrightError):
                    save_state(context, settings)  # a sign-in made here is good for the next command
            finally:
                with suppress(PlaywrightError):
                    context.close()  # writes the HAR
        for secret in _state_secrets(settings):
            redactor.add(secret)
        meta = {"created_at": datetime.now(UTC).isoformat(timespec="seconds"), "base_url": settings.base_url,
                "list_path": settings.postings_path, "lang": settings.lang, "posting": snapshots["posting"],
                "har": bool(har_path)}
        write_bundle(target, snapshots, har_path, redactor, meta)
    return snapshots["posting"]


def _state_secrets(settings: Settings) -> list[str]:
    """Cookie values of the saved sign-in state (they must not appear in the bundle either)."""
    try:
        state = json.loads(settings.storage_state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(c.get("value", "")) for c in state.get("cookies", [])]
