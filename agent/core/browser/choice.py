"""Finding and launching a browser: the one place that knows where Chromium lives.

Order of preference: a remote browser when ``OZON_RPA_BROWSER_ENDPOINT`` names one (a ``ws://`` endpoint of
``playwright run-server`` or of a browser farm that speaks Playwright's protocol, reached through
``BrowserType.connect``); else ``OZON_RPA_BROWSER_PATH``; else, for a headless run, Chromium's headless shell
(Playwright's own, then the system's ``chromium-headless-shell``); then Playwright's own bundled Chromium; a
system Chromium (Debian's ``/usr/bin/chromium`` and friends; on Windows and macOS, an installed Chrome or Edge).
The CLI, the test-suite's ``browser_type_launch_args`` fixture and the runner all call :func:`launch_options`.

Why the headless shell first: it is the same Blink and V8 without the full browser's UI layers, and Playwright
itself launches it for headless runs. Measured on a bulk run of 4 workers on 2 cores (``bench/bulk_bench.py``):
a third less CPU and memory than the full Chromium in headless mode, so ~50 % more changes a minute. A headed
run (``OZON_RPA_HEADLESS=false``) needs the full browser.

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
#: Chromium's headless shell as distributions name it (Debian: ``apt-get install chromium-headless-shell``).
SYSTEM_HEADLESS_SHELLS = ("chromium-headless-shell", "chrome-headless-shell")
INSTALL_HINT = N_(
    "No Chromium found. Run `ozon-rpa setup`: it finds one or installs Chromium, else says what to install. Or:\n"
    "  - Debian/Ubuntu:  sudo apt-get install -y chromium chromium-headless-shell\n"
    "  - anywhere with internet:  python -m playwright install chromium\n"
    "or point OZON_RPA_BROWSER_PATH at a Chromium, Chrome or Edge executable."
)
#: Chromium-based browsers installed where Windows and macOS put them (not on PATH there): Chrome, Edge, Chromium.
#: Microsoft Edge comes with every Windows 10 and 11, so a seller's PC needs no download at all.
INSTALLED_BROWSERS = {
    "win32": ("C:/Program Files/Google/Chrome/Application/chrome.exe",
              "C:/Program Files (x86)/Google/Chrome/Application/chrome.exe",
              "~/AppData/Local/Google/Chrome/Application/chrome.exe",
              "C:/Program Files (x86)/Microsoft/Edge/Application/msedge.exe",
              "C:/Program Files/Microsoft/Edge/Application/msedge.exe"),
    "darwin": ("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
               "~/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
               "/Applications/Chromium.app/Contents/MacOS/Chromium",
               "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"),
}


@dataclass(frozen=True)
class BrowserChoice:
    """Which browser will be launched and why."""

    executable: Path | None  # None: let Playwright pick its default (or the remote host's own)
    source: str  # "settings", "playwright", "system", "remote"
    #: The executable is Chromium's headless shell: it cannot show a window.
    headless_shell: bool = False
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
        kind = ", " + _("headless shell") if self.headless_shell else ""
        return f"{where} ({sources.get(self.source, self.source)}{kind})"


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


def _newest(patterns: Sequence[str]) -> Path | None:
    found = [path for pattern in patterns for path in _playwright_cache().glob(pattern) if path.is_file()]
    return max(found, key=str) if found else None


def _bundled_chromium() -> Path | None:
    """The newest Chromium that ``playwright install chromium`` left on disk, if any.

    Looked up on disk rather than through a Playwright driver, so it also works inside a running
    Playwright (pytest-playwright's session).
    """
    return _newest((
        "chromium-*/chrome-linux*/chrome",
        "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
        "chromium-*/chrome-mac*/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
        "chromium-*/chrome-win*/chrome.exe",
    ))


def _bundled_headless_shell() -> Path | None:
    """The newest headless shell that ``playwright install chromium`` left on disk (its own folder), if any."""
    return _newest((
        "chromium_headless_shell-*/chrome-headless-shell-*/chrome-headless-shell",
        "chromium_headless_shell-*/chrome-headless-shell-*/chrome-headless-shell.exe",
        "chromium_headless_shell-*/chrome-*/headless_shell",  # Playwright 1.49-1.5x
        "chromium_headless_shell-*/chrome-*/headless_shell.exe",
    ))


def _system_headless_shell() -> Path | None:
    for name in SYSTEM_HEADLESS_SHELLS:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def find_browser(browser_path: Path | None = None, *, headless: bool = True, endpoint: str | None = None,
                 remote_executable: str | None = None) -> BrowserChoice:
    """Find a Chromium to drive.

    Args:
        browser_path: an explicit executable (``OZON_RPA_BROWSER_PATH``); it must exist.
        headless: the run shows no window, so Chromium's headless shell is preferred when one is installed.
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
    if headless:
        for shell, source in ((_bundled_headless_shell(), "playwright"), (_system_headless_shell(), "system")):
            if shell is not None:
                return BrowserChoice(shell, source, headless_shell=True)
    bundled = _bundled_chromium()
    if bundled is not None:
        return BrowserChoice(bundled, "playwright")
    for name in SYSTEM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return BrowserChoice(Path(found), "system")
    for place in INSTALLED_BROWSERS.get(sys.platform, ()):
        installed = Path(place).expanduser()
        if installed.is_file():
            return BrowserChoice(installed, "system")
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


def keep_driver_compile_cache() -> Path | None:
    """Let the Node.js that runs Playwright's driver keep its compiled code between commands; returns the folder.

    Node 22+ reads ``NODE_COMPILE_CACHE``; Playwright's driver inherits this process's environment. Measured on
    2 cores: the driver starts in ~0.21 s instead of ~0.28 s, on every command that opens a browser. An older
    Node ignores it; a value the user set is kept; a folder that cannot be made only costs that time (None).
    """
    if os.environ.get("NODE_COMPILE_CACHE"):
        return Path(os.environ["NODE_COMPILE_CACHE"])
    base = os.environ.get("LOCALAPPDATA" if sys.platform == "win32" else "XDG_CACHE_HOME")
    folder = Path(base or Path.home() / ".cache") / "ozon-rpa" / "node-compile-cache"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    os.environ["NODE_COMPILE_CACHE"] = str(folder)
    return folder


@contextmanager
def launched_browser(
    choice: BrowserChoice, *, headless: bool = True, slow_mo_ms: int = 0, extra_args: Sequence[str] = ()
) -> Iterator[tuple[Playwright, Browser]]:
    """Start Playwright and a Chromium (or connect to a remote one); close both on the way out, whatever happens.

    ``extra_args`` are added to a local Chromium's command line (a remote one is started by its server).
    """
    keep_driver_compile_cache()
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
    return find_browser(settings.browser_path, headless=settings.headless, endpoint=settings.browser_endpoint,
                        remote_executable=settings.remote_browser_path)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the browsers a headless and a headed run would use; exit 1 with an install hint when there is none.

    ``--headless-shell``: exit 1 also when headless runs would not get Chromium's headless shell (the Makefile
    then offers to add it).
    """
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        headless = find_browser()
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 1
    print(headless.describe())
    try:
        headed = find_browser(headless=False)
        if headed != headless:
            print(_("headed runs (OZON_RPA_HEADLESS=false): {browser}", browser=headed.describe()))
    except ConfigError:
        print(_("headed runs (OZON_RPA_HEADLESS=false) need the full Chromium: apt-get install chromium"))
    if "--headless-shell" in args and not headless.headless_shell:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
