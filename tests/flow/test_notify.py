"""The buyer chat through ``ChatPage``: why it is closed (read-only) and sending a message (writes)."""

from __future__ import annotations

import pytest

from pages.chat_page import ChatPage
from scenarios.portal import Portal
from tests.conftest import Oracle
from tests.flow.walk import find_posting, open_list

pytestmark = [pytest.mark.flow, pytest.mark.e2e, pytest.mark.every_skin]


def open_chat(portal: Portal, number: str) -> ChatPage:
    portal.open(ChatPage.url(portal.settings.base_url, number))
    chat = ChatPage(portal.page, portal.lang)
    chat.wait_loaded()
    return chat


@pytest.mark.writes
def test_notify_should_send_the_buyer_a_message(portal: Portal, sandbox_oracle: Oracle) -> None:
    number = find_posting(portal, ("awaiting_deliver", "delivering"), editable=True)
    text = f"Flow check: the tracking number of {number} has changed."
    chat = open_chat(portal, number)
    assert chat.unavailable_reason() == ""
    before = chat.message_texts()

    chat.send(text)

    assert chat.message_texts()[len(before):] and text in chat.message_texts()[-1]
    assert [m["text"] for m in sandbox_oracle.posting(number)["messages"]][-1] == text


def test_notify_should_say_why_a_cancelled_posting_has_no_chat(portal: Portal, oracle: Oracle | None) -> None:
    number = open_list(portal, tab="cancelled").posting_numbers()[0]

    chat = open_chat(portal, number)

    assert chat.unavailable_reason(), "a closed chat should say why"
    assert not chat.send_button.is_enabled()
    if oracle is not None:
        assert oracle.posting(number)["messages"] == []
