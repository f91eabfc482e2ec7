"""The words of Typer and Click themselves (help's titles, usage errors) in the operator's language.

Typer prints its help panels and errors with fixed words kept in ``typer.rich_utils`` (read each time it prints);
they are set to the current language before a command is parsed, when they are still Typer's own English (a
Typer that words them otherwise keeps its words rather than get ours with the wrong placeholders). Click's usage
errors are English f-strings inside Typer's copy of Click, so they are recognised by their shape, once formatted,
and said again from the catalogs; a shape not listed here stays English (a new Typer may add some: list them).
"""

from __future__ import annotations

import re
from typing import Any

from agent.core.i18n import N_, _

#: Typer's fixed words, by their name in ``typer.rich_utils``, as Typer words them in English.
TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
#: Texts Click adds to every command (the ``--help`` option's help; the usage line's prefix).
CLICK_WORDS = (N_("Show this message and exit."), N_("Usage: "))

#: Click's usage errors by their shape (tried in order, the whole message), and what we say instead.
USAGE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(shape), message) for shape, message in (
    (r"Missing argument (?P<name>.+?)\.(?P<more> .+)?", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.+?)\.(?P<more> .+)?", N_("Missing option {name}.")),
    (r"Missing parameter:? (?P<name>.+?)\.?(?P<more> .+)?", N_("Missing parameter {name}.")),
    (r"Missing command\.", N_("Missing command.")),
    (r"No such command (?P<name>.+?)\.? Did you mean (?P<suggestion>.+)\?",
     N_("No such command {name}. Did you mean {suggestion}?")),
    (r"No such command (?P<name>.+?)\.", N_("No such command {name}.")),
    (r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)",
     N_("No such option: {name} (did you mean: {options}?)")),
    (r"No such option: (?P<name>\S+)(?: Did you mean (?P<options>\S+)\?)?", N_("No such option: {name}")),
    (r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)", N_("Unexpected extra arguments: {args}")),
    (r"Option (?P<name>.+) requires an argument\.", N_("Option {name} needs a value.")),
    (r"Option (?P<name>.+) requires (?P<n>\d+) arguments\.", N_("Option {name} needs {n} values.")),
    (r"Option (?P<name>.+) does not take a value\.", N_("Option {name} takes no value.")),
    (r"Invalid value for (?P<name>.+?): (?P<why>.+)", N_("Invalid value for {name}: {why}")),
    (r"Invalid value: (?P<why>.+)", N_("Invalid value: {why}")),
))
#: Why a value was refused (Typer's checks word them as pydantic does; older ones as Click did).
REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(shape), message) for shape, message in (
    (r"Input should be a valid integer.*|.* is not a valid integer\.", N_("a whole number is needed")),
    (r"Input should be a valid number.*|.* is not a valid float\.", N_("a number is needed")),
    (r"Input should be a valid boolean.*|.* is not a valid boolean\.", N_("yes or no (true or false) is needed")),
    (r"Input should be less than or equal to (?P<limit>.+)", N_("at most {limit} is allowed")),
    (r"Input should be greater than or equal to (?P<limit>.+)", N_("at least {limit} is needed")),
    (r"Input should be less than (?P<limit>.+)", N_("less than {limit} is needed")),
    (r"Input should be greater than (?P<limit>.+)", N_("more than {limit} is needed")),
    (r"(?P<value>.+) is not in the range (?P<range>.+)\.", N_("{value} is outside {range}")),
    (r"(?:Value error, )?(?P<value>.+) is not one of (?P<choices>.+?)\.?", N_("{value} is not one of {choices}")),
    (r"(?:File|Directory|Path) (?P<path>.+) does not exist\.", N_("{path} does not exist")),
))

_ENGLISH: dict[str, Any] = {}
_DONE = "_ozon_rpa_localized"


def localize_typer_words() -> None:
    """Set Typer's fixed words to the current language (those it still words as we know them)."""
    from typer import rich_utils  # Typer's own module of help and error printing

    if not _ENGLISH:
        _ENGLISH.update({name: getattr(rich_utils, name, None) for name in TYPER_WORDS})
    for name, english in TYPER_WORDS.items():
        if _ENGLISH[name] == english:
            setattr(rich_utils, name, _(english))


def localize_usage_error(err: BaseException) -> None:
    """Let a Click usage error say its message in the current language (its type, code and context unchanged)."""
    format_message = getattr(err, "format_message", None)
    if not callable(format_message) or type(err).__name__ == "NoArgsIsHelpError" or getattr(err, _DONE, False):
        return  # not Click's; or the "no arguments: help" error, whose message is the (translated) help itself
    english = str(format_message())
    said = usage_error_message(english)
    if said != english:
        err.format_message = lambda: said  # type: ignore[attr-defined]  # this one error says it so
    setattr(err, _DONE, True)


def usage_error_message(english: str) -> str:
    """A usage error's message in the current language; as it is when its shape is not known."""
    for shape, message in USAGE_ERRORS:
        found = shape.fullmatch(english)
        if found is None:
            continue
        parts = {k: v or "" for k, v in found.groupdict().items()}
        more = parts.pop("more", "")
        if "why" in parts:
            parts["why"] = _reason(parts["why"])
        return _(message, **parts) + more
    return english


def _reason(english: str) -> str:
    for shape, message in REASONS:
        found = shape.fullmatch(english)
        if found is not None:
            return _(message, **found.groupdict())
    return english
