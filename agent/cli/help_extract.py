"""A Babel extractor for the command line: its gettext messages, and the help texts Typer shows.

``babel.cfg`` names it for ``agent/cli/``, so ``make i18n`` finds, besides every ``_()``/``N_()`` message as the
standard Python extractor does, each literal ``help=`` (and ``short_help=``, ``epilog=``, ``rich_help_panel=``) of
a Typer call (``typer.Option``, ``typer.Argument``, ``typer.Typer``, ``.command``, ``.callback``, ``.add_typer``)
and the docstring of each command function (a public function with a ``typer.Option`` or ``typer.Argument``
parameter, or decorated with ``.command``/``.callback``). The msgid is the text exactly as Typer gets it (a
docstring cleaned as ``inspect.cleandoc`` does), which is what :mod:`agent.cli.localized` looks up at run time.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python

#: Keyword arguments of Typer calls that people read in ``--help``.
HELP_KEYWORDS = frozenset({"help", "short_help", "epilog", "rich_help_panel"})
#: Typer calls (by the last part of their name) whose keywords above are help texts.
TYPER_CALLS = frozenset({"Option", "Argument", "Typer", "command", "callback", "add_typer"})
#: Names in a parameter's annotation or default that make a function a command (or the app's callback); not
#: ``Context`` alone, which helpers taking the command's context have too (a command without options is decorated,
#: or the live-tree test names it).
TYPER_PARAMETERS = frozenset({"Option", "Argument"})
#: Said to translators beside each help text.
COMMENT = "Command-line help (ozon-rpa --help)."

def extract(fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str],
            options: Any) -> Iterator[tuple[Any, ...]]:
    """Babel's extraction method: the standard Python messages, then the help texts (see the module docstring)."""
    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called_name(node.func) in TYPER_CALLS:
            for keyword in node.keywords:
                if keyword.arg in HELP_KEYWORDS and isinstance(keyword.value, ast.Constant) \
                        and isinstance(keyword.value.value, str) and keyword.value.value:
                    yield keyword.value.lineno, None, keyword.value.value, [COMMENT]
        elif isinstance(node, ast.FunctionDef) and _is_command(node):
            docstring = ast.get_docstring(node, clean=True)
            if docstring:
                yield node.body[0].lineno, None, docstring, [COMMENT]


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Call):  # app.command()(function): the inner call is the one with keywords
        return _called_name(func.func)
    return ""


def _is_command(node: ast.FunctionDef) -> bool:
    """A public function with a Typer parameter (in its annotation or default), or decorated as a command."""
    if node.name.startswith("_"):
        return False
    if any(_called_name(d.func if isinstance(d, ast.Call) else d) in {"command", "callback"}
           for d in node.decorator_list):
        return True
    arguments = node.args
    parts: list[ast.expr | None] = [a.annotation for a in arguments.args + arguments.kwonlyargs]
    parts += list(arguments.defaults) + list(arguments.kw_defaults)
    return any(isinstance(n, ast.Attribute | ast.Name) and _called_name(n) in TYPER_PARAMETERS
               for part in parts if part is not None for n in ast.walk(part))
