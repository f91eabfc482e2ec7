"""Browser contexts: the saved sign-in state (a secret, 0600), language, viewport and timeouts."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Browser, BrowserContext

from agent.core.secure_files import make_private, write_private
from agent.core.settings import Settings

PORTAL_LOCALE = {"ru": "ru-RU", "en": "en-US", "zh": "zh-CN"}
#: The sandbox keeps its language in this cookie; the live portal has its own switch.
SANDBOX_LANG_COOKIE = {"ru": "ru", "en": "en", "zh": "zh-Hans"}


def new_context(browser: Browser, settings: Settings, *, fresh: bool = False, **extra: Any) -> BrowserContext:
    """A browser context with the saved sign-in state (unless ``fresh``) and the agent's timeouts.

    ``extra`` are more options of ``Browser.new_context`` (``capture`` records a HAR with them).
    """
    options: dict[str, Any] = {
        "locale": PORTAL_LOCALE[settings.lang],
        "viewport": {"width": 1440, "height": 900},
        # Every read must be the portal's answer: a service worker could answer from its cache (or keep a
        # save's echo). Blocked, the page's requests all go to the network, where Playwright sees them.
        "service_workers": "block",
        **extra,
    }
    state = settings.storage_state_path
    if not fresh and state.exists():
        make_private(state)
        options["storage_state"] = str(state)
    context = browser.new_context(**options)
    context.set_default_timeout(settings.timeout_ms)
    context.set_default_navigation_timeout(max(settings.timeout_ms, 30_000))
    if settings.is_loopback:
        context.add_cookies([{"name": "lang", "value": SANDBOX_LANG_COOKIE[settings.lang],
                              "url": settings.base_url}])
    return context


def save_state(context: BrowserContext, settings: Settings) -> None:
    """Save cookies and local storage for the next run, readable by the owner only."""
    state = context.storage_state()
    write_private(settings.storage_state_path, json.dumps(state).encode("utf-8"))
