"""A browser for a seller's computer: the one found (:mod:`agent.core.browser.choice`), else Chromium installed with
Playwright's own installer (``python -m playwright install chromium``: a download, so it needs the internet), else
exactly what to install on this OS. Used by ``ozon-rpa setup``; nothing here needs administrator rights.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from agent.core.browser.choice import BrowserChoice, choose_browser
from agent.core.errors import ConfigError
from agent.core.i18n import N_, _
from agent.core.settings import Settings

#: Playwright's own installer, run with this Python (the package's own Playwright, whatever the PATH says).
INSTALL_COMMAND = (sys.executable, "-m", "playwright", "install", "chromium")
#: A download of ~150 MB on a slow line still ends within this.
INSTALL_TIMEOUT_S = 1800

#: What to install when nothing was found and the download did not work, per OS.
INSTRUCTIONS = {
    "win32": N_(
        "No browser was found and none could be downloaded. On Windows, any of these works:\n"
        "  - Microsoft Edge (part of Windows 10 and 11) or Google Chrome (https://www.google.com/chrome/), installed\n"
        "    in its usual place; or point OZON_RPA_BROWSER_PATH in .env at chrome.exe or msedge.exe;\n"
        "  - with internet: py -m playwright install chromium\n"
        "    (through a mirror of Playwright's downloads: set PLAYWRIGHT_DOWNLOAD_HOST first).\n"
        "Then run `ozon-rpa setup` again."),
    "darwin": N_(
        "No browser was found and none could be downloaded. On macOS, any of these works:\n"
        "  - Google Chrome (https://www.google.com/chrome/) in Applications;\n"
        "  - with internet: python3 -m playwright install chromium\n"
        "    (through a mirror of Playwright's downloads: set PLAYWRIGHT_DOWNLOAD_HOST first);\n"
        "  - or point OZON_RPA_BROWSER_PATH in .env at a Chromium, Chrome or Edge program.\n"
        "Then run `ozon-rpa setup` again."),
    "linux": N_(
        "No browser was found and none could be downloaded. On Linux, any of these works:\n"
        "  - Debian/Ubuntu: sudo apt-get install -y chromium chromium-headless-shell fonts-noto-cjk\n"
        "  - Fedora: sudo dnf install -y chromium google-noto-sans-cjk-fonts\n"
        "  - with internet: python3 -m playwright install --with-deps chromium\n"
        "  - or point OZON_RPA_BROWSER_PATH in .env at a Chromium or Chrome program.\n"
        "Then run `ozon-rpa setup` again."),
}


@dataclass(frozen=True)
class BrowserSetup:
    """What setup did about the browser: the one to use (None: there is none), and whether it downloaded it now."""

    choice: BrowserChoice | None
    downloaded: bool = False
    problem: str = ""  # why there is none, and what to do


def run_installer(command: Sequence[str]) -> bool:
    """Run an installer, its progress shown to the person; whether it ended well."""
    try:
        return subprocess.run(list(command), check=False, timeout=INSTALL_TIMEOUT_S).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def ensure_browser(settings: Settings, *, download: bool,
                   installer: Callable[[Sequence[str]], bool] | None = None) -> BrowserSetup:
    """The browser the agent will use, installing Chromium with Playwright's installer when none is found.

    Args:
        settings: where a browser was asked for (``OZON_RPA_BROWSER_PATH``, a remote endpoint), headless or not.
        download: whether setup may download Chromium (``--no-download`` says no).
        installer: runs the install command (the download is the one outside boundary of this function);
            :func:`run_installer` when not given.
    """
    try:
        return BrowserSetup(choose_browser(settings))
    except ConfigError as err:
        if settings.browser_path is not None or settings.browser_endpoint:
            return BrowserSetup(None, problem=str(err))  # a browser was named: a download would not be used
    if download and (installer or run_installer)(INSTALL_COMMAND):
        try:
            return BrowserSetup(choose_browser(settings), downloaded=True)
        except ConfigError:
            pass
    return BrowserSetup(None, problem=install_instructions())


def install_instructions(platform: str = sys.platform) -> str:
    """What to install on ``platform`` (``sys.platform``) to get a browser, in the operator's language."""
    return _(INSTRUCTIONS.get(platform, INSTRUCTIONS["linux"]))
