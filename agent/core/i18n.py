"""The operator's language: every text a person reads goes through here (gettext catalogs, read with Babel).

English is the source language: a message's id is its English text. The Russian and Chinese catalogs are
plain ``.po`` files in ``agent/locales/<lang>/LC_MESSAGES/ozon_rpa.po``, read at run time (no compiled
``.mo`` in the repo, no build step): Babel parses the ``.po`` once per process and language, turns it into a
standard ``gettext`` translations object in memory, and fuzzy or empty entries fall back to English.

Usage::

    from agent.core.i18n import _, ngettext, pgettext
    _("Scan {run}", run=run.id)                       # named placeholders, filled in after translation
    ngettext("{n} posting", "{n} postings", count)    # {n} is the count; Russian has three forms
    pgettext("outcome", "changed")                    # the same English word, translated by its role

Machine outputs (JSON keys, outcome codes, CSV column names, exit codes) never go through here. Buyer
notices do not either: they follow the buyer's language (the portal's), not the operator's.

``make i18n`` re-extracts the messages (``babel.cfg``) and updates the catalogs; ``tests/unit/test_i18n.py``
fails while a message lacks a translation.
"""

from __future__ import annotations

import gettext
import io
import locale
import sys
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

DOMAIN = "ozon_rpa"
LOCALES_DIR = Path(__file__).parent.parent / "locales"
SOURCE_LANG = "en"
#: The languages a person can choose, the source language first.
UI_LANGS = ("en", "ru", "zh")
#: ``<html lang>`` of each language (``zh-CN`` picks simplified-Chinese fonts).
_HTML_LANG = {"en": "en", "ru": "ru", "zh": "zh-CN"}

_current = SOURCE_LANG


def set_ui_lang(lang: str) -> None:
    """Speak ``lang`` (``en``, ``ru`` or ``zh``) from now on, in this whole process.

    Raises:
        ValueError: for a language without a catalog.
    """
    global _current
    if lang not in UI_LANGS:
        raise ValueError(f"unknown interface language {lang!r}: choose one of {', '.join(UI_LANGS)}")
    _current = lang


def ui_lang() -> str:
    """The language people are spoken to in now."""
    return _current


def html_lang() -> str:
    """The ``lang`` attribute of an HTML page in the current language."""
    return _HTML_LANG[_current]


def language_of_locale(value: str) -> str | None:
    """The interface language a POSIX locale name asks for, None when it names none we speak.

    ``zh_CN.UTF-8`` -> ``zh``, ``ru_RU.UTF-8`` -> ``ru``, ``C``, ``POSIX`` and ``en_*`` -> ``en``;
    ``de_DE.UTF-8`` or an empty value -> None (the caller falls back to the portal's language).
    """
    name = value.strip().split(".", 1)[0].split("@", 1)[0]
    if name in ("C", "POSIX"):
        return "en"
    base = name.replace("-", "_").split("_", 1)[0].lower()
    return base if base in UI_LANGS else None


def windows_display_locale() -> str:
    """Windows' display language as a POSIX locale name (``zh_CN``, ``ru_RU``); "" elsewhere or when unknown.

    Windows sets no ``LANG``: a Chinese Windows is known by its display language, as the OS itself tells it.
    """
    if sys.platform != "win32":
        return ""
    try:
        import ctypes

        lcid = int(ctypes.windll.kernel32.GetUserDefaultUILanguage())
    except (AttributeError, OSError, ValueError):
        return ""
    return locale.windows_locale.get(lcid, "")


def catalog_path(lang: str) -> Path:
    """Where the ``.po`` catalog of a language lives."""
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The translations of ``lang``, read from its ``.po`` once per process (English: none needed)."""
    path = catalog_path(lang)
    if lang == SOURCE_LANG or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # fuzzy entries are guesses: show English instead
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _fill(translated: str, source: str, names: dict[str, object]) -> str:
    """Fill the placeholders; a catalog typo falls back to the English text rather than failing a run."""
    if not names:
        return translated
    try:
        return translated.format(**names)
    except (KeyError, IndexError, ValueError):
        return source.format(**names)


def _(message: str, **names: object) -> str:
    """``message`` in the current language, its ``{name}`` placeholders filled from ``names``."""
    return _fill(translations(_current).gettext(message), message, names)


def ngettext(singular: str, plural: str, n: int, **names: object) -> str:
    """The form of a counted message that suits ``n``; ``{n}`` is filled with the count."""
    source = singular if n == 1 else plural
    return _fill(translations(_current).ngettext(singular, plural, n), source, {"n": n, **names})


def pgettext(context: str, message: str, **names: object) -> str:
    """``message`` translated in a context (``outcome``, ``rule``...) where a bare word would be ambiguous."""
    return _fill(translations(_current).pgettext(context, message), message, names)


def N_(message: str) -> str:  # the gettext convention: a marker the extractor knows
    """Mark a message for extraction only; translate it where it is shown, with ``_(value)``."""
    return message


def install(env: Environment) -> Environment:
    """Give a Jinja2 environment the same translations: ``{{ _("Scan {run}", run=run.id) }}`` in templates.

    Old-style callables (``newstyle=False``): ours already fill ``{name}`` placeholders, and the result is a
    plain string that autoescape escapes whole, values and all. ``html_lang()`` is there for ``<html lang>``.
    """
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        gettext=_, ngettext=ngettext, newstyle=False, pgettext=pgettext)
    env.globals["html_lang"] = html_lang
    return env
