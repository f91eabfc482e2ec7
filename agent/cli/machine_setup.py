"""``ozon-rpa setup``: get a seller's computer ready, without make or developer tools.

A browser (found, or Chromium downloaded with Playwright's own installer), fonts that write Chinese (the portal,
the evidence stamps and the report show it), a private state folder, and a commented ``.env`` in this folder (an
existing one is replaced only with ``--force``, or when the person says so at the terminal). Then ``ozon-rpa
demo``. Exit 0 when the computer is ready, 1 when something it needs is missing (each with what to do).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

from agent.cli.env_file import env_text, write_env
from agent.cli.shared import console
from agent.core.browser.setup import ensure_browser
from agent.core.errors import ConfigError
from agent.core.evidence.fonts import chinese_font, chinese_font_fix
from agent.core.i18n import _, pgettext, set_ui_lang
from agent.core.records import ExitCode
from agent.core.secure_files import MODES_APPLY, outside_own_profile
from agent.core.settings import Settings
from agent.preflight import check_writable_dir

#: A check's result: ok, a warning (works, could be better), or missing (the computer is not ready).
OK, WARN, MISSING = "ok", "warn", "missing"


def setup(
    ctx: typer.Context,
    download: Annotated[bool, typer.Option(
        help="Download Chromium with Playwright's installer when no browser is found (needs the internet).")] = True,
    env_file: Annotated[Path, typer.Option(help="The settings file to write (commands run in its folder read it).")]
    = Path(".env"),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing settings file without asking.")] = False,
) -> None:
    """Get this computer ready: a browser (found or downloaded), fonts for Chinese, the state folder, a .env."""
    settings, note = _settings(ctx.obj or {})
    language = settings.ui_language
    set_ui_lang(language)
    checks: list[tuple[str, str, str]] = []
    if note:
        checks.append((pgettext("setup", "settings"), WARN, note))

    console.print(_("Getting this computer ready for ozon-rpa…"), highlight=False)
    browser = ensure_browser(settings, download=download)
    if browser.choice is not None:
        detail = browser.choice.describe()
        checks.append((pgettext("setup", "browser"), OK,
                       _("{browser}; downloaded now", browser=detail) if browser.downloaded else detail))
    else:
        checks.append((pgettext("setup", "browser"), MISSING, browser.problem))

    font = chinese_font()
    if font is not None:
        checks.append((pgettext("setup", "Chinese fonts"), OK, font.describe()))
    else:
        needed = "zh" in (language, settings.lang)  # Chinese pages and stamps would show empty boxes
        checks.append((pgettext("setup", "Chinese fonts"), MISSING if needed else WARN,
                       _("no font on this computer writes Chinese: {fix}", fix=chinese_font_fix())))

    checks.append(_state_folder(settings))
    checks.append(_env_file(env_file, env_text(settings, ui_language=language, browser=browser.choice), force))

    _print(checks)
    if any(state == MISSING for _name, state, _detail in checks):
        console.print(_("Not ready yet: do what the lines above say, then run `ozon-rpa setup` again."),
                      highlight=False)
        raise typer.Exit(ExitCode.SOME_FAILED)
    console.print(_("Ready. Next: `ozon-rpa demo` tries everything on the sandbox (a practice back-office on this "
                    "computer) and prints where its report is."), highlight=False)


def _settings(overrides: dict[str, Any]) -> tuple[Settings, str]:
    """The settings, and a note when an existing .env cannot be read (setup then works from the defaults)."""
    try:
        return Settings(**overrides), ""
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        note = _("the settings (.env or OZON_RPA_* variables) have errors, so setup used the defaults: {problems}",
                 problems=problems)
        try:
            return Settings(_env_file=None, **overrides), note
        except ValidationError:
            return Settings.model_construct(), note  # the defaults: the variables are wrong as well


def _state_folder(settings: Settings) -> tuple[str, str, str]:
    name = pgettext("setup", "state folder")
    folder = settings.state_dir.resolve()
    try:
        if not folder.exists() and MODES_APPLY:
            folder.mkdir(mode=0o700, parents=True)  # made here: private from the start (Windows: the profile's rights)
        check_writable_dir(folder, "OZON_RPA_STATE_DIR")
    except OSError as err:
        return name, MISSING, _("cannot create {folder}: {why}", folder=folder, why=err.strerror or err)
    except ConfigError as err:
        return name, MISSING, str(err)
    if outside_own_profile(folder):
        return name, WARN, _("{folder} is outside your user folder, so other users of this computer may read your "
                             "saved sign-in: choose a folder inside {home}", folder=folder, home=Path.home())
    return name, OK, _("{folder} (its secrets readable by you only)", folder=folder)


def _env_file(path: Path, text: str, force: bool) -> tuple[str, str, str]:
    name = pgettext("setup", "settings file")
    if path.exists() and not force:
        asked = sys.stdin.isatty() and typer.confirm(
            _("{path} exists. Replace it with a fresh one (the old settings are lost)?", path=path), default=False)
        if not asked:
            return name, OK, _("{path} kept as it is (`ozon-rpa setup --force` writes a fresh one)", path=path)
    try:
        write_env(path, text)
    except OSError as err:
        return name, MISSING, _("cannot write {path}: {why}", path=path, why=err.strerror or err)
    return name, OK, _("{path} written: each setting is explained in it", path=path.resolve())


def _print(checks: list[tuple[str, str, str]]) -> None:
    table = Table(pgettext("column", "check"), "", pgettext("column", "detail"))
    ok, note, missing = pgettext("check", "ok"), pgettext("setup", "note"), pgettext("setup", "missing")
    words = {OK: f"[green]{escape(ok)}[/]", WARN: f"[yellow]{escape(note)}[/]", MISSING: f"[red]{escape(missing)}[/]"}
    for name, state, detail in checks:
        table.add_row(name, words[state], escape(detail))
    console.print(table)
