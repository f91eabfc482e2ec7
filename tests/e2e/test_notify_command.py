"""``ozon-rpa notify`` end to end, on every front end in ``--skins``: the notice of a recorded change is (re)sent
through the portal chat, found by what a person sees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Oracle
from tests.e2e.test_change import s10

pytestmark = pytest.mark.e2e


def test_notify_should_send_the_buyer_the_last_recorded_change_again(cli: Callable[..., Any], sandbox: Oracle) -> None:
    posting = next(p for p in sandbox.postings(editable=True, limit=50) if p["chat_available"])
    number, new = posting["posting_number"], s10(16_000_001)
    assert cli("change", number, new, "--carrier", "china_post").exit_code == 0
    assert sandbox.posting(number)["messages"] == []

    result = cli("notify", number)

    assert result.exit_code == 0, result.output
    assert f"{number}: sent" in result.output
    (message,) = sandbox.posting(number)["messages"]
    assert new in message["text"]
