"""``--help``, the command list and Click's usage errors speak the operator's language (``OZON_RPA_UI_LANG``,
``--ui-lang``, the system locale), read from the same catalogs as every other message."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from agent.cli.app import app
from agent.cli.click_words import usage_error_message
from agent.core import i18n

#: Letters of the operator's script, per language.
SCRIPT = {"zh": re.compile(r"[\u4e00-\u9fff]"), "ru": re.compile(r"[А-Яа-яЁё]")}
#: What is code, not words, in a help page: options, type names, VARIABLES and METAVARS, paths, values to type.
CODE = re.compile(r"[\w.:-]*[/\\][\w./\\:-]*|--?[A-Za-z][\w-]*|<[^>]*>|\b[A-Z][A-Z0-9_*]+\b|ozon-rpa"
                  r"|[\w.-]+\.(?:html|json|csv|xlsx|env)\b|\b(?:ru|en|zh|json|csv|table|html|prompt|sandbox|each|classic|modern|no|x)\b")
PAGES = (("--help",), ("bulk", "--help"), ("bulk", "apply", "--help"), ("change", "--help"), ("demo", "--help"))


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """The language is process-wide and the command line sets it: English again for the next test."""
    yield
    i18n.set_ui_lang("en")


def run(lang: str, *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"OZON_RPA_UI_LANG": lang, "COLUMNS": "120"})


def script_share(text: str, lang: str, commands: set[str]) -> float:
    """The share of the letters of ``text``'s words (code left out) that are in ``lang``'s script."""
    words = CODE.sub(" ", text)
    words = re.sub(r"\b(?:" + "|".join(sorted(commands)) + r")\b", " ", words)
    ours = len(SCRIPT[lang].findall(words))
    latin = len(re.findall(r"[A-Za-z]", words))
    return ours / max(1, ours + latin)


def command_names() -> set[str]:
    root: Any = typer.main.get_command(app)
    return {name for group in (root, root.commands["bulk"]) for name in group.commands}


@pytest.mark.parametrize("lang", ["zh", "ru"])
@pytest.mark.parametrize("page", PAGES, ids=[" ".join(p) for p in PAGES])
def test_help_should_be_mostly_in_the_operators_script(lang: str, page: tuple[str, ...]) -> None:
    shown = run(lang, *page)

    assert shown.exit_code == 0, shown.output
    share = script_share(shown.output, lang, command_names())
    assert share > 0.85, f"{share:.0%} of the words' letters in the {lang} script:\n{shown.output}"


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ["用法：", "选项", "命令", "显示此帮助并退出。", "受监督的批量修改"]),
    ("ru", ["Запуск:", "Параметры", "Команды", "Показать эту справку и выйти.", "Массовые изменения под контролем"]),
], ids=["zh", "ru"])
def test_the_command_list_and_helps_own_words_should_be_translated(lang: str, words: list[str]) -> None:
    shown = run(lang, "--help").output

    assert all(word in shown for word in words), shown
    for english in ("Usage:", "Options", "Commands", "Show this message and exit.", "Supervised bulk edits"):
        assert english not in shown


def test_help_in_english_should_stay_english() -> None:
    shown = run("en", "--help").output
    assert "Usage:" in shown and "Show this message and exit." in shown and "Supervised bulk edits" in shown
    assert script_share(shown, "zh", command_names()) == 0


def test_the_ui_lang_option_should_choose_the_language_of_help_before_the_environment() -> None:
    shown = CliRunner().invoke(app, ["--ui-lang", "ru", "bulk", "--help"], env={"OZON_RPA_UI_LANG": "zh"}).output
    assert "Массовые изменения под контролем" in shown and "受监督" not in shown


@pytest.mark.parametrize(("args", "lang", "said", "english"), [
    (("bulk", "plan"), "zh", "缺少参数 'file'。", "Missing argument"),
    (("bulk", "plan", "x.csv", "--wrkers", "2"), "ru", "Нет параметра --wrkers (может быть: --key, --workers?)",
     "No such option"),
    (("--nope",), "zh", "没有选项 --nope", "No such option"),
    (("stat",), "zh", "没有命令 'stat'。您是想用 'stats' 吗？", "No such command"),
    (("bulk", "apply", "--workers", "9"), "ru", "Недопустимое значение '--workers': допускается не больше 8",
     "Invalid value"),
    (("bulk", "apply", "--workers", "x"), "zh", "'--workers' 的值无效：需要一个整数", "Invalid value"),
    (("report", "a", "b"), "ru", "Лишние аргументы: b", "unexpected extra"),
    (("change", "--json=1"), "zh", "选项 '--json' 不接受值。", "does not take a value"),
], ids=["missing-argument", "no-such-option-suggested", "no-such-option", "no-such-command",
        "out-of-range", "not-a-number", "extra-argument", "no-value"])
def test_usage_errors_should_be_said_in_the_operators_language_exit_2(
    args: tuple[str, ...], lang: str, said: str, english: str
) -> None:
    shown = run(lang, *args)

    assert shown.exit_code == 2, shown.output
    assert said in shown.output
    assert english not in shown.output
    title, hint = {"zh": ("错误", "查看帮助"), "ru": ("Ошибка", "Справка:")}[lang]
    assert title in shown.output and (hint in shown.output or "--help" not in shown.output)


@pytest.mark.parametrize(("lang", "said"), [("ru", "Не указан параметр '--by'."), ("zh", "缺少选项 '--by'。")])
def test_a_missing_option_should_be_said_in_the_operators_language(lang: str, said: str) -> None:
    """No command has a required option today; Click's words for one are translated all the same."""
    i18n.set_ui_lang(lang)
    assert usage_error_message("Missing option '--by'.") == said


@pytest.mark.parametrize("lang", ["ru", "zh"])
def test_every_help_text_of_the_command_line_should_have_a_translation(lang: str) -> None:
    """Run ``make i18n`` and translate the entries this names (a new command's docstring or option help)."""
    root: Any = typer.main.get_command(app)
    catalog = i18n.translations(lang)
    untranslated = []
    stack = [("ozon-rpa", root)]
    while stack:
        path, command = stack.pop()
        texts = [("help", command.help)] + [(f"{p.name} help", p.help) for p in command.params]
        untranslated += [f"{path}: {what}: {text!r}" for what, text in texts
                         if text and catalog.gettext(text) == text]
        stack += [(f"{path} {name}", child) for name, child in getattr(command, "commands", {}).items()]
    assert not untranslated, "run `make i18n`, then translate:\n" + "\n".join(untranslated)
