"""The operator's language: every message people read has its Russian and Chinese translation, and the
language defaults from ``--ui-lang`` / ``OZON_RPA_UI_LANG``, then the system locale, then the portal's."""

from __future__ import annotations

import re
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from pydantic import ValidationError

from agent.core import i18n
from agent.core.errors import InvalidTrackingNumber
from agent.core.i18n import _, ngettext, pgettext
from agent.core.settings import Settings
from agent.rules.tracking import check

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = ("ru", "zh")
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG", "OZON_RPA_UI_LANG", "OZON_RPA_LANG")


@pytest.fixture
def speak() -> Iterator[None]:
    """Lets a test switch the language; English again afterwards (the language is process-wide)."""
    yield
    i18n.set_ui_lang("en")


# -- every message translated --------------------------------------------------------------------------------


def placeholders(text: str) -> set[str]:
    """The named placeholders of a message: ``{name}`` (ours) and ``%(name)s`` (Jinja's ``trans`` blocks)."""
    names = {field for _, field, _, _ in string.Formatter().parse(text) if field}
    return names | set(re.findall(r"%\((\w+)\)", text))


def translation_problems(source: Catalog, catalog: Catalog) -> list[str]:
    """What is wrong with ``catalog`` for the messages of ``source``: one line per missing, empty or fuzzy
    translation and per translation whose placeholders differ from its English text."""
    problems: list[str] = []
    for message in source:
        if not message.id:
            continue
        where = f"{catalog.locale}: {message.id!r}" + (f" (context {message.context!r})" if message.context else "")
        found: Message | None = catalog.get(message.id, context=message.context)
        if found is None:
            problems.append(f"{where}: no translation")
            continue
        if found.fuzzy:
            problems.append(f"{where}: fuzzy (check it, then remove the fuzzy flag)")
        ids = list(message.id) if isinstance(message.id, tuple | list) else [message.id]
        forms = list(found.string) if isinstance(found.string, tuple | list) else [found.string]
        if len(ids) > 1 and len(forms) != catalog.num_plurals:
            problems.append(f"{where}: {len(forms)} plural forms, the language has {catalog.num_plurals}")
        expected = placeholders(ids[-1])
        for form in forms:
            if not form:
                problems.append(f"{where}: empty translation")
            elif placeholders(form) != expected:
                problems.append(f"{where}: placeholders {sorted(placeholders(form))} in {form!r}, "
                                f"expected {sorted(expected)}")
    return problems


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """Every message of the source, extracted exactly as ``make i18n`` does (``babel.cfg``)."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "--quiet", "extract", "-F", "babel.cfg",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return read_po(handle)


def test_extraction_should_find_the_messages_of_python_modules_and_templates(extracted: Catalog) -> None:
    ids = {m.id for m in extracted if m.id}
    assert "Status watch" in ids, "templates (watch.html.j2)"
    assert "Changes per carrier" in ids, "python modules (stats/report.py)"
    assert ("posting flagged", "postings flagged") in ids, "plurals"
    assert extracted.get("changed", context="outcome") is not None, "messages in a context"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_should_have_a_translation_with_the_same_placeholders(extracted: Catalog, lang: str) -> None:
    with i18n.catalog_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    problems = translation_problems(extracted, catalog)
    assert not problems, "run `make i18n`, then translate:\n" + "\n".join(problems)


def test_the_check_should_name_a_missing_an_empty_a_fuzzy_and_a_mistyped_translation() -> None:
    source = Catalog()
    for text in ("Missing", "Empty", "Fuzzy", "Scan {run}", "Fine {n}"):
        source.add(text)
    catalog = Catalog(locale="ru")
    catalog.add("Empty", "")
    catalog.add("Fuzzy", "Нечётко", flags=["fuzzy"])
    catalog.add("Scan {run}", "Проверка {id}")
    catalog.add("Fine {n}", "Хорошо {n}")
    problems = "\n".join(translation_problems(source, catalog))
    assert "'Missing': no translation" in problems
    assert "'Empty': empty translation" in problems
    assert "'Fuzzy': fuzzy" in problems
    assert "'Scan {run}': placeholders ['id']" in problems
    assert "Fine" not in problems


# -- the API ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "expected"), [("en", "Scan 20261128-watch"), ("ru", "Проверка 20261128-watch"),
                                                ("zh", "扫描 20261128-watch")], ids=["en", "ru", "zh"])
def test_messages_should_be_translated_before_their_placeholders_are_filled(
    speak: None, lang: str, expected: str
) -> None:
    i18n.set_ui_lang(lang)
    assert _("Scan {run}", run="20261128-watch") == expected


@pytest.mark.parametrize(("n", "expected"), [(1, "отправление"), (3, "отправления"), (5, "отправлений"),
                                             (11, "отправлений"), (21, "отправление")], ids=lambda v: str(v))
def test_russian_counts_should_take_their_three_plural_forms(speak: None, n: int, expected: str) -> None:
    i18n.set_ui_lang("ru")
    assert ngettext("posting", "postings", n) == expected


def test_the_same_english_word_should_be_translated_by_its_context(speak: None) -> None:
    i18n.set_ui_lang("zh")
    assert pgettext("outcome", "changed") == "已修改"
    assert pgettext("outcome", "no such word") == "no such word", "unknown messages stay English"


def test_an_unknown_language_should_be_refused() -> None:
    with pytest.raises(ValueError, match="unknown interface language 'fr'"):
        i18n.set_ui_lang("fr")


# -- which language ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("zh_CN.UTF-8", "zh"), ("zh_TW", "zh"), ("ru_RU.UTF-8", "ru"), ("ru_UA.KOI8-U", "ru"), ("C", "en"),
    ("C.UTF-8", "en"), ("POSIX", "en"), ("en_US.UTF-8", "en"), ("en_GB@euro", "en"), ("de_DE.UTF-8", None),
    ("", None),
], ids=lambda v: repr(v))
def test_a_locale_name_should_name_its_language(value: str, expected: str | None) -> None:
    assert i18n.language_of_locale(value) == expected


@pytest.mark.parametrize(("environment", "expected"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "ru_RU.UTF-8"}, "ru"),
    ({"LANG": "C.UTF-8", "OZON_RPA_LANG": "zh"}, "en"),
    ({"LC_ALL": "ru_RU.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "ru"),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "ru_RU.UTF-8"}, "zh"),
    ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh"),
    ({"OZON_RPA_LANG": "zh"}, "zh"),
    ({"LANG": "de_DE.UTF-8", "OZON_RPA_LANG": "en"}, "en"),
    ({}, "ru"),
    ({"LANG": "zh_CN.UTF-8", "OZON_RPA_UI_LANG": "ru"}, "ru"),
], ids=["zh-locale", "ru-locale", "C-is-english", "LC_ALL-first", "LC_MESSAGES-before-LANG", "empty-is-unset",
        "no-locale-portal-language", "foreign-locale-portal-language", "nothing-set-portal-default",
        "ui-lang-wins"])
def test_the_operator_language_should_default_from_the_system_locale_then_the_portal(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert Settings(_env_file=None).ui_language == expected  # type: ignore[call-arg]


def test_an_unknown_operator_language_should_be_a_settings_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OZON_RPA_UI_LANG", "fr")
    with pytest.raises(ValidationError, match="ui_lang"):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "probable typo: check digit should be 9 (UPU S10 format)"),
    ("ru", "вероятно, опечатка: контрольная цифра должна быть 9 (формат UPU S10)"),
    ("zh", "可能输错了：校验位应为 9（UPU S10 格式）"),
], ids=["en", "ru", "zh"])
def test_a_rejected_tracking_number_should_be_explained_in_the_operator_language(
    speak: None, lang: str, expected: str
) -> None:
    i18n.set_ui_lang(lang)
    with pytest.raises(InvalidTrackingNumber) as caught:
        check("RR473124828GB")
    assert expected in str(caught.value) and "RR473124828GB" in str(caught.value)
