"""A seller working in Chinese (the portal in Chinese, ozon-rpa speaking Chinese) still sends the buyer a Russian
notice: the buyer's language is not the seller's. End to end, through the sandbox's chat."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Oracle
from tests.e2e.test_change import s10

pytestmark = pytest.mark.e2e

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
HAN = re.compile(r"[\u4e00-\u9fff]")
CHINESE_SELLER = {"OZON_RPA_LANG": "zh", "OZON_RPA_UI_LANG": "zh"}


def quiet_posting(sandbox: Oracle, nth: int) -> str:
    """The ``nth`` editable posting whose buyer can be written to and has no message yet."""
    chat = [p["posting_number"] for p in sandbox.postings(editable=True, limit=120) if p["chat_available"]]
    return [n for n in chat if not sandbox.posting(n)["messages"]][nth]


def test_a_chinese_seller_should_tell_the_buyer_in_russian(cli: Callable[..., Any], sandbox: Oracle) -> None:
    number, new = quiet_posting(sandbox, 0), s10(16_100_001)

    result = cli("change", number, new, "--carrier", "china_post", "--notify", env_extra=CHINESE_SELLER)

    assert result.exit_code == 0, result.output
    assert "已修改" in result.output and "买家通知：已发送" in result.output  # the seller reads Chinese
    (message,) = sandbox.posting(number)["messages"]
    assert new in message["text"]
    assert CYRILLIC.search(message["text"]) and not HAN.search(message["text"]), message["text"]


def test_notice_lang_should_override_the_buyers_language(cli: Callable[..., Any], sandbox: Oracle) -> None:
    number, new = quiet_posting(sandbox, 1), s10(16_100_002)

    result = cli("change", number, new, "--carrier", "china_post", "--notify",
                 env_extra={**CHINESE_SELLER, "OZON_RPA_NOTICE_LANG": "zh"})

    assert result.exit_code == 0, result.output
    (message,) = sandbox.posting(number)["messages"]
    assert HAN.search(message["text"]) and not CYRILLIC.search(message["text"]), message["text"]
