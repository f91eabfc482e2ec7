"""The seller's ``.env``: the settings a seller needs, each with a comment in their language saying what it does.

``ozon-rpa setup`` writes it into the folder the seller works in (every command run there reads it). Lines that
are commented out show a setting's form without setting it. Paths are written with forward slashes in single
quotes, which python-dotenv reads as they are on every OS (a Windows path in double quotes would be read as
escapes). It is written readable by its owner only: a seller may add a secret to it later.
"""

from __future__ import annotations

from pathlib import Path

from agent.core.browser.choice import BrowserChoice
from agent.core.i18n import _
from agent.core.secure_files import write_private
from agent.core.settings import Settings


def _quoted(path: Path) -> str:
    return "'" + path.as_posix() + "'"


def env_text(settings: Settings, *, ui_language: str, browser: BrowserChoice | None) -> str:
    """The commented ``.env`` for ``settings`` (the portal's language follows the operator's unless set)."""
    # A Chinese-speaking seller most likely shows the portal in Chinese; the page's own <html lang> wins anyway.
    portal_lang = settings.lang if "lang" in settings.model_fields_set or ui_language != "zh" else "zh"
    found = browser.executable if browser is not None else None
    sections: list[tuple[str, list[str]]] = [
        (_("ozon-rpa settings for the commands run in this folder. A line starting with # is a comment; remove the "
           "# to use a setting. Every setting can also be given on the command line (ozon-rpa --help)."), []),
        (_("The portal. The sandbox (a practice back-office on this computer, for `ozon-rpa demo`) until you "
           "point it at Ozon's seller portal:"),
         [f"OZON_RPA_BASE_URL={settings.base_url}", "# OZON_RPA_BASE_URL=https://seller.ozon.ru"]),
        (_("Your orders list: fbs, or crossborder for cross-border sellers (/app/postings/crossborder/fbs):"),
         [f"OZON_RPA_CABINET={settings.cabinet}"]),
        (_("The language of the portal (ru, en, zh) and the language ozon-rpa speaks to you (zh, ru, en):"),
         [f"OZON_RPA_LANG={portal_lang}", f"OZON_RPA_UI_LANG={ui_language}"]),
        (_("Your Ozon ID sign-in (phone or e-mail) and, with several companies on one account, the one to work "
           "in (its name or id as the portal's company choice shows it):"),
         ["# OZON_RPA_LOGIN=+86 138 0000 0000", "# OZON_RPA_COMPANY="]),
        (_("Where the one-time sign-in code comes from: prompt (you type it in this window):"),
         [f"OZON_RPA_OTP_SOURCE={settings.otp_source}"]),
        (_("Your journal, saved sign-in, reports and evidence. Keep it private: on Windows, inside your own user "
           "folder (C:\\Users\\<you>), which only you and administrators can read:"),
         [f"OZON_RPA_STATE_DIR={_quoted(settings.state_dir.resolve())}"]),
        (_("Work in the background (true), or show the browser window (false):"),
         [f"OZON_RPA_HEADLESS={str(settings.headless).lower()}"]),
        (_("The browser ozon-rpa found (it looks again every time; set this to use another one):"),
         [f"# OZON_RPA_BROWSER_PATH={_quoted(found)}" if found else "# OZON_RPA_BROWSER_PATH="]),
        (_("Supervised bulk changes: a plan must be approved before it is applied; and by another person than "
           "the one who planned it:"),
         [f"OZON_RPA_REQUIRE_APPROVAL={str(settings.require_approval).lower()}",
          f"OZON_RPA_FOUR_EYES={str(settings.four_eyes).lower()}"]),
        (_("Your portal profile: labels and controls as your portal shows them (`ozon-rpa calibrate` writes it):"),
         ["# OZON_RPA_PORTAL_PROFILE='portal-profile.toml'"]),
        (_("The language of messages to buyers (buyers on Ozon read Russian):"),
         [f"OZON_RPA_NOTICE_LANG={settings.notice_lang}"]),
        (_("Who runs the agent, for the journal and the reports (default: your user name on this computer):"),
         ["# OZON_RPA_OPERATOR="]),
    ]
    lines: list[str] = []
    for comment, settings_lines in sections:
        lines += [f"# {part}" for part in comment.splitlines()] + settings_lines + [""]
    return "\n".join(lines)


def write_env(path: Path, text: str) -> None:
    """Write the settings file (owner-only: a secret may be added to it later)."""
    write_private(path, text.encode("utf-8"))
