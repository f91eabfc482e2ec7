"""Finding and launching a browser: the one place that knows where Chromium lives.

Order of preference: a remote browser when ``OZON_RPA_BROWSER_ENDPOINT`` names one (a ``ws://`` endpoint of
``playwright run-server`` or of a browser farm that speaks Playwright's protocol, reached through
``BrowserType.connect``); else ``OZON_RPA_BROWSER_PATH``; Playwright's own bundled Chromium when it was
installed; a system Chromium (Debian's ``/usr/bin/chromium`` and friends). The CLI, the test-suite's
``browser_type_launch_args`` fixture and the runner all call :func:`launch_options`.

Run ``python -m agent.core.browser`` to print what was found (exit 1 and an install hint when nothing is).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from agent.core.errors import ConfigError
from agent.core.i18n import N_, _
from agent.core.settings import Settings

#: Without these, Chromium keeps trying to reach Google's services (and fails on a closed network).
QUIET_ARGS = ("--disable-background-networking", "--disable-component-update", "--no-first-run")
SYSTEM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = N_(
    "No Chromium found. Install one of:\n"
    "  - Debian/Ubuntu:  sudo apt-get install -y chromium\n"
    "  - anywhere with internet:  .venv/bin/playwright install chromium\n"
    "or point OZON_RPA_BROWSER_PATH at a Chromium or Chrome executable."
)


@dataclass(frozen=True)
class BrowserChoice:
    """Which browser will be launched and why."""

    executable: Path | None  # None: let Playwright pick its default (or the remote host's own)
    source: str  # "settings", "playwright", "system", "remote"
    #: A remote browser's ``ws://`` endpoint: the browser runs there, this host only drives it.
    endpoint: str | None = None
    #: For a remote ``playwright run-server --unsafe``: the Chromium to launch *on that host*.
    remote_executable: str | None = None

    def describe(self) -> str:
        """One line for people: what and where."""
        if self.endpoint:
            return _("{endpoint} (remote)", endpoint=_without_secrets(self.endpoint))
        where = str(self.executable) if self.executable else _("Playwright's bundled Chromium")
        sources = {"settings": _("from the settings"), "playwright": _("Playwright's"), "system": _("the system's"),
                   "remote": _("remote")}
        return f"{where} ({sources.get(self.source, self.source)})"


def _without_secrets(endpoint: str) -> str:
    """The endpoint without its query (browser farms put access tokens there)."""
    return endpoint.split("?", 1)[0]


def _playwright_cache() -> Path:
    # Playwright's own variable, read here only because this is where Playwright keeps its browsers.
    override = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if override and override != "0":
        return Path(override)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "ms-playwright"
    if sys.platform == "win32":
        return Path.home() / "AppData" / "Local" / "ms-playwright"
    return Path.home() / ".cache" / "ms-playwright"


def _bundled_chromium() -> Path | None:
    """The newest Chromium that ``playwright install chromium`` left on disk, if any.

    Looked up on disk rather than through a Playwright driver, so it also works inside a running
    Playwright (pytest-playwright's session).
    """
    patterns = (
        "chromium-*/chrome-linux*/chrome",
        "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
        "chromium-*/chrome-win*/chrome.exe",
    )
    found = [path for pattern in patterns for path in _playwright_cache().glob(pattern) if path.is_file()]
    return max(found, key=str) if found else None


def find_browser(browser_path: Path | None = None, *, endpoint: str | None = None,
                 remote_executable: str | None = None) -> BrowserChoice:
    """Find a Chromium to drive.

    Args:
        browser_path: an explicit executable (``OZON_RPA_BROWSER_PATH``); it must exist.
        endpoint: a remote browser's ``ws://``/``wss://`` endpoint (``OZON_RPA_BROWSER_ENDPOINT``); when given,
            nothing is looked up on this host.
        remote_executable: the Chromium to launch on the remote host (``OZON_RPA_REMOTE_BROWSER_PATH``).

    Raises:
        ConfigError: nothing usable was found; the message says what to install.
    """
    if endpoint:
        if not endpoint.startswith(("ws://", "wss://")):
            raise ConfigError(_("OZON_RPA_BROWSER_ENDPOINT must be a ws:// or wss:// address, not {endpoint}",
                                endpoint=repr(endpoint)))
        return BrowserChoice(None, "remote", endpoint=endpoint, remote_executable=remote_executable)
    if browser_path is not None:
        if not browser_path.exists():
            raise ConfigError(_("OZON_RPA_BROWSER_PATH={path} does not exist.", path=browser_path) + "\n"
                              + _(INSTALL_HINT))
        return BrowserChoice(browser_path, "settings")
    bundled = _bundled_chromium()
    if bundled is not None:
        return BrowserChoice(bundled, "playwright")
    for name in SYSTEM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return BrowserChoice(Path(found), "system")
    raise ConfigError(_(INSTALL_HINT))


def launch_options(
    choice: BrowserChoice, *, headless: bool = True, slow_mo_ms: int = 0
) -> dict[str, Any]:
    """Keyword arguments for ``BrowserType.launch`` (also pytest-playwright's launch args)."""
    # The agent handles Ctrl-C itself (finish the posting in hand), so Playwright must not kill the browser.
    options: dict[str, Any] = {"headless": headless, "args": list(QUIET_ARGS), "handle_sigint": False}
    if choice.executable is not None:
        options["executable_path"] = str(choice.executable)
    if slow_mo_ms:
        options["slow_mo"] = slow_mo_ms
    return options


@contextmanager
def launched_browser(
    choice: BrowserChoice, *, headless: bool = True, slow_mo_ms: int = 0, extra_args: Sequence[str] = ()
) -> Iterator[tuple[Playwright, Browser]]:
    """Start Playwright and a Chromium (or connect to a remote one); close both on the way out, whatever happens.

    ``extra_args`` are added to a local Chromium's command line (a remote one is started by its server).
    """
    with sync_playwright() as p:
        if choice.endpoint:
            browser = connect_remote(p, choice, headless=headless, slow_mo_ms=slow_mo_ms)
        else:
            options = launch_options(choice, headless=headless, slow_mo_ms=slow_mo_ms)
            options["args"] = [*options["args"], *extra_args]
            browser = p.chromium.launch(**options)
        try:
            yield p, browser
        finally:
            browser.close()


def connect_remote(p: Playwright, choice: BrowserChoice, *, headless: bool = True, slow_mo_ms: int = 0) -> Browser:
    """Drive a Chromium that runs on another host (``playwright run-server``, a browser farm).

    ``playwright run-server`` launches one browser per connection with the options of the
    ``x-playwright-launch-options`` header; it honours ``args`` and ``executablePath`` only when started with
    ``--unsafe``. Client and server must run the same Playwright minor version.

    Raises:
        ConfigError: the endpoint cannot be reached or refused the connection.
    """
    assert choice.endpoint is not None  # only called for a remote choice
    wanted: dict[str, Any] = {"headless": headless, "args": list(QUIET_ARGS)}
    if choice.remote_executable:
        wanted["executablePath"] = choice.remote_executable
    try:
        return p.chromium.connect(choice.endpoint, slow_mo=slow_mo_ms or None,
                                  headers={"x-playwright-launch-options": json.dumps(wanted)})
    except PlaywrightError as err:
        raise ConfigError(
            _("cannot use the remote browser at {endpoint}: {why}. "
              "Is `playwright run-server` (same Playwright version) running there?",
              endpoint=_without_secrets(choice.endpoint), why=str(err).splitlines()[0])
        ) from err


def choose_browser(settings: Settings) -> BrowserChoice:
    """The browser the settings ask for: remote, explicit, Playwright's own or the system's."""
    return find_browser(settings.browser_path, endpoint=settings.browser_endpoint,
                        remote_executable=settings.remote_browser_path)


def main() -> int:
    """Print the browser that would be used; exit 1 with an install hint when there is none."""
    try:
        choice = find_browser()
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 1
    print(choice.describe())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
