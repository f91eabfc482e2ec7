"""``--help``, the command list and Click's usage errors in the operator's language, through the same catalogs.

Typer builds Click commands from English help texts (``help=`` of options, arguments and groups; commands'
docstrings). The root group of ``ozon-rpa`` is a :class:`LocalizedGroup`: before it parses anything it works out
the operator's language (``--ui-lang``, ``OZON_RPA_UI_LANG``, the system locale, then ``--lang``/the portal's, as
``Settings.ui_language`` says), and translates every command of the tree in place: help, short help, epilog, help
panel names, each parameter's help and the ``--help`` option's own. Typer's fixed words (the panel titles,
``[default: ...]``, ``Usage:``, "Try ... for help.") and Click's usage errors ("Missing argument", "No such
option", "Invalid value for ...", ...) come from :mod:`agent.cli.click_words`.

Translating a new command or option is nothing special: write its ``help="..."`` and its docstring in English as
usual, run ``make i18n`` (``agent/cli/help_extract.py`` extracts them) and translate the new entries of the ``.po``
catalogs; ``tests/unit/test_cli_help_i18n.py`` names any help text of the live command tree left untranslated. A
help text that is not a literal where it is used (built elsewhere) is marked where it is written: ``N_("...")``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from pydantic import ValidationError
from typer.core import TyperGroup

from agent.cli.click_words import localize_typer_words, localize_usage_error
from agent.core.i18n import _, set_ui_lang
from agent.core.settings import Settings

#: Where a command or parameter keeps its English texts, so that it can be translated again into another language.
_SOURCE = "_ozon_rpa_english"
_COMMAND_TEXTS = ("help", "short_help", "epilog", "rich_help_panel")
_PARAM_TEXTS = ("help", "rich_help_panel")
#: The root's options that name the operator's language (directly, or through the portal's as the fallback).
_LANGUAGE_OPTIONS = {"--ui-lang": "ui_lang", "--lang": "lang"}


class LocalizedGroup(TyperGroup):
    """The root group: speaks the operator's language from the first word of ``--help`` or of a usage error."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        """Set the operator's language and translate the command tree before Click parses (``--help`` is parsed
        eagerly, before any callback runs); usage errors of the root's own options are translated on the way out."""
        if parent is None:
            set_ui_lang(operator_language(args, tuple(getattr(self, "commands", {}))))
            localize_typer_words()
            localize_tree(self)
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except Exception as err:
            localize_usage_error(err)
            raise

    def invoke(self, ctx: Any) -> Any:
        """Run the command; a usage error of a subcommand (parsed in here) is translated on the way out."""
        try:
            return super().invoke(ctx)
        except Exception as err:
            localize_usage_error(err)
            raise


def operator_language(args: Sequence[str], commands: Sequence[str] = ()) -> str:
    """The language to speak, from the root's options in ``args`` (up to the command) and the settings.

    A bad value (``--ui-lang xx``, or bad settings) is not this function's to report: the command does that; the
    help and the errors are then in the language the rest of the settings give, or English.
    """
    overrides: dict[str, Any] = {}
    values = iter(args)
    for arg in values:
        if arg in commands:
            break
        name, equals, value = arg.partition("=")
        if name in _LANGUAGE_OPTIONS:
            overrides[_LANGUAGE_OPTIONS[name]] = value if equals else next(values, "")
    for attempt in (overrides, {}):
        try:
            return Settings(**attempt).ui_language
        except ValidationError:
            continue
    return "en"


def localize_tree(root: Any) -> None:
    """Translate every command under ``root`` (itself included) into the current language, in place."""
    for command in _walk(root):
        _translate(command, _COMMAND_TEXTS)
        for param in command.params:
            _translate(param, _PARAM_TEXTS)
        help_option = _help_option(command)
        if help_option is not None:
            _translate(help_option, _PARAM_TEXTS)
        command.context_class = _localized_context(command.context_class)


def _walk(command: Any) -> Iterator[Any]:
    yield command
    for child in getattr(command, "commands", {}).values():
        yield from _walk(child)


def _translate(item: Any, fields: Sequence[str]) -> None:
    english: dict[str, Any] = item.__dict__.setdefault(_SOURCE, {f: getattr(item, f, None) for f in fields})
    for field, text in english.items():
        if isinstance(text, str) and text:
            setattr(item, field, _(text))


def _help_option(command: Any) -> Any:
    """The command's ``--help`` option (Click makes it on first use and keeps it), made now to translate its help."""
    get = getattr(command, "get_help_option", None)
    if get is None:
        return None
    return get(command.context_class(command, info_name=command.name))


@cache
def _localized_context(base: type) -> type:
    """``base`` whose help formatter writes "Usage:" in the current language."""
    if getattr(base, "_ozon_rpa_localized", False):
        return base
    formatter: Any = base.formatter_class  # type: ignore[attr-defined]  # Click's Context has one

    class LocalizedFormatter(formatter):  # a class from Click's copy in Typer
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

    return type(f"Localized{base.__name__}", (base,), {"formatter_class": LocalizedFormatter,
                                                       "_ozon_rpa_localized": True})
