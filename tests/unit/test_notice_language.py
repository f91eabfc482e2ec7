"""Buyer notices keep their own language rule: the buyer reads Russian, whatever language the portal or the operator
uses; ``OZON_RPA_NOTICE_LANG`` is the one setting that changes it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.core import i18n
from agent.core.settings import Settings
from agent.rules.notices import buyer_notice

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def english_afterwards() -> Iterator[None]:
    yield
    i18n.set_ui_lang("en")


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    """Settings as an operator's environment gives them (no .env file)."""
    for name in ("OZON_RPA_LANG", "OZON_RPA_UI_LANG", "OZON_RPA_NOTICE_LANG", "OZON_RPA_TEMPLATES_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.usefixtures("english_afterwards")
@pytest.mark.parametrize(("portal", "operator"), [("zh", "zh"), ("en", "en"), ("ru", "zh"), ("zh", "ru")],
                         ids=["chinese-portal-chinese-operator", "english-portal", "russian-portal-chinese-operator",
                              "chinese-portal-russian-operator"])
@pytest.mark.parametrize("kind", ["changed", "delayed"])
def test_a_buyer_notice_should_be_russian_whatever_the_portal_and_operator_speak(
        monkeypatch: pytest.MonkeyPatch, kind: str, portal: str, operator: str) -> None:
    chosen = settings(monkeypatch, OZON_RPA_LANG=portal, OZON_RPA_UI_LANG=operator)
    i18n.set_ui_lang(chosen.ui_language)
    text = buyer_notice(chosen, kind, posting_number="48173252-0033-2", tracking_number="LZ637105337CN",  # type: ignore[arg-type]
                        carrier="china_post")
    assert chosen.notice_lang == "ru"
    assert CYRILLIC.search(text) and not HAN.search(text), text
    assert "48173252-0033-2" in text
    if kind == "changed":
        assert "LZ637105337CN" in text and "Почта Китая" in text  # the carrier named in the buyer's language


def test_notice_lang_should_choose_another_language_when_a_seller_sets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = settings(monkeypatch, OZON_RPA_LANG="ru", OZON_RPA_NOTICE_LANG="zh")
    text = buyer_notice(chosen, "changed", posting_number="48173252-0033-2", tracking_number="LZ637105337CN")
    assert HAN.search(text) and not CYRILLIC.search(text), text


def test_a_sellers_own_template_should_win_in_the_buyers_language(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    (tmp_path / "changed.ru.txt").write_text("Новый номер {{ tracking_number }} для {{ posting_number }}.",
                                             encoding="utf-8")
    chosen = settings(monkeypatch, OZON_RPA_LANG="zh", OZON_RPA_TEMPLATES_DIR=str(tmp_path))
    text = buyer_notice(chosen, "changed", posting_number="48173252-0033-2", tracking_number="LZ637105337CN")
    assert text == "Новый номер LZ637105337CN для 48173252-0033-2."
