"""Buyer chat: availability rules and sending."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from fixtures.sandbox import rules
from tests.sandbox.conftest import Seller, one_posting


def _recently_delivered(oracle: httpx.Client) -> str:
    for posting in oracle.get("/_sandbox/postings", params={"status": "delivered"}).json()["postings"]:
        if posting["chat_available"]:
            return str(posting["posting_number"])
    raise AssertionError("no posting delivered within 72 hours")


def test_chat_should_close_72_hours_after_delivery() -> None:
    now = datetime(2026, 1, 10, tzinfo=UTC)
    inside = {"status": "delivered", "delivered_at": (now - timedelta(hours=71)).isoformat()}
    outside = {"status": "delivered", "delivered_at": (now - timedelta(hours=73)).isoformat()}
    assert rules.chat_available(inside, True, now).allowed
    verdict = rules.chat_available(outside, True, now)
    assert not verdict.allowed and verdict.reason_key == "chat.window_closed"


def test_seed_should_have_deliveries_inside_and_outside_the_chat_window(oracle: httpx.Client) -> None:
    delivered = oracle.get("/_sandbox/postings", params={"status": "delivered"}).json()["postings"]
    assert {p["chat_available"] for p in delivered} == {True, False}


def test_chat_should_be_unavailable_for_cancelled_postings(seller: Seller, oracle: httpx.Client) -> None:
    number = one_posting(oracle, status="cancelled")["posting_number"]
    data = seller.client.get(f"/api/chat/{number}/messages").json()
    assert data["available"] is False and data["reason"] == "Чат недоступен для отменённых отправлений"
    assert seller.send(number, "Здравствуйте").status_code == 409


def test_chat_should_need_the_subscription(seller: Seller, oracle: httpx.Client) -> None:
    number = _recently_delivered(oracle)
    oracle.post("/_sandbox/config", json={"chat_subscription": False}).raise_for_status()
    page = seller.client.get("/app/messenger/", params={"posting": number}).text
    assert "Чат с покупателями доступен с подпиской Premium Plus" in page
    assert 'data-testid="chat-unavailable-reason"' in page and "disabled" in page
    assert seller.send(number, "Здравствуйте").status_code == 409


def test_sending_should_store_the_message(seller: Seller, oracle: httpx.Client) -> None:
    number = _recently_delivered(oracle)
    response = seller.send(number, "Здравствуйте! Ваш новый трек-номер: RR473124829GB")
    assert response.status_code == 200 and response.json()["message"]["author"] == "seller"
    truth = oracle.get(f"/_sandbox/postings/{number}").json()
    assert [m["text"] for m in truth["messages"]] == ["Здравствуйте! Ваш новый трек-номер: RR473124829GB"]
    assert len(seller.client.get(f"/api/chat/{number}/messages").json()["messages"]) == 1


def test_sending_should_accept_1_to_1000_characters(seller: Seller, oracle: httpx.Client) -> None:
    number = _recently_delivered(oracle)
    assert seller.send(number, "x").status_code == 200
    assert seller.send(number, "я" * 1000).status_code == 200
    assert seller.send(number, "я" * 1001).json()["error"] == "too_long"
    assert seller.send(number, "").json()["error"] == "empty"
    assert seller.send(number, "   ").status_code == 422


def test_sending_should_require_the_csrf_token(seller: Seller, oracle: httpx.Client) -> None:
    number = _recently_delivered(oracle)
    response = seller.client.post(f"/api/chat/{number}/messages", json={"text": "hi"})
    assert response.status_code == 403


def test_messenger_page_should_render_the_chat_controls(seller: Seller, oracle: httpx.Client) -> None:
    number = _recently_delivered(oracle)
    seller.client.cookies.set("lang", "en")
    page = seller.client.get("/app/messenger/", params={"posting": number}).text
    assert "<h1>Chat with buyer</h1>" in page and 'role="log"' in page and 'aria-label="Messages"' in page
    assert ">Send</button>" in page and "chat-unavailable-reason" not in page
