"""Where the one-time sign-in code comes from: a person at the terminal, or the sandbox's outbox.

The ``sandbox`` source stands in for the seller's phone. It reads the sandbox's outbox and is refused for
any host that is not loopback, so it can never be pointed at the real portal.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from datetime import datetime

from agent.core.errors import ConfigError, PortalError
from agent.core.i18n import _
from agent.core.redact import redact
from agent.core.settings import Settings

CodeSource = Callable[[str, datetime], str]


def sandbox_code_source(settings: Settings) -> CodeSource:
    """A code source reading ``/_sandbox/outbox`` of a loopback sandbox."""
    if not settings.is_loopback:
        raise ConfigError(_("the 'sandbox' code source is refused for a non-loopback host"))

    def newest_code(login: str, since: datetime) -> str:
        url = f"{settings.base_url}/_sandbox/outbox"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
                body = json.load(response)
            sent = body.get("messages", []) if isinstance(body, dict) else body
        except OSError as err:
            raise PortalError(_("cannot read the sandbox outbox: {why}", why=err)) from err
        digits = "".join(c for c in login if c.isdigit())
        mine = [m for m in sent if login.lower() == str(m.get("to", "")).lower()
                or (digits and digits == "".join(c for c in str(m.get("to", "")) if c.isdigit()))]
        if not mine:
            raise PortalError(_("the sandbox outbox has no code for this login"))
        code = str(mine[-1]["code"])
        redact.add(code)
        return code

    return newest_code


def prompt_code_source(ask: Callable[[str], str]) -> CodeSource:
    """A code source asking a person (``ask`` shows the prompt and returns what they typed)."""

    def from_person(login: str, since: datetime) -> str:
        code = ask(_("One-time code sent to {login}", login=login)).strip()
        redact.add(code)
        return code

    return from_person
