"""The oracle and run-time label overrides."""

from __future__ import annotations

import httpx

from tests.sandbox.conftest import LIST_PATH, Seller


def test_oracle_should_filter_by_editable_status_and_limit(oracle: httpx.Client) -> None:
    found = oracle.get("/_sandbox/postings", params={"editable": "false", "status": "delivered",
                                                      "limit": 5}).json()["postings"]
    assert len(found) == 5
    assert all(not p["editable"] and p["status"] == "delivered" for p in found)


def test_oracle_posting_should_include_history_and_messages(oracle: httpx.Client) -> None:
    number = oracle.get("/_sandbox/postings", params={"limit": 1}).json()["postings"][0]["posting_number"]
    truth = oracle.get(f"/_sandbox/postings/{number}").json()
    assert truth["tracking_history"] == [] and truth["messages"] == [] and truth["save_count"] == 0
    assert oracle.get("/_sandbox/postings/nope").status_code == 404


def test_outbox_should_hold_every_code_sent(anon: httpx.Client, oracle: httpx.Client) -> None:
    anon.post("/signin", data={"phone": "79000000000"})
    anon.post("/signin", data={"email": "seller@example.com"})
    messages = oracle.get("/_sandbox/outbox").json()["messages"]
    assert [m["channel"] for m in messages] == ["phone", "email"]
    assert all(len(m["code"]) == 6 and m["code"].isdigit() for m in messages)


def test_reset_should_restore_the_seeded_state(seller: Seller, oracle: httpx.Client, editable: dict) -> None:
    number = editable["posting_number"]
    seller.save(number, "RR473124829GB")
    oracle.post("/_sandbox/reset").raise_for_status()
    truth = oracle.get(f"/_sandbox/postings/{number}").json()
    assert truth["save_count"] == 0 and truth["tracking_number"] == editable["tracking_number"]


def test_labels_override_should_change_the_page_until_reset(seller: Seller, oracle: httpx.Client) -> None:
    oracle.post("/_sandbox/labels", json={"lang": "ru", "key": "list.heading", "text": "Отправления FBS"})
    assert "<h1>Отправления FBS</h1>" in seller.client.get(LIST_PATH).text
    assert oracle.get("/_sandbox/labels", params={"lang": "ru"}).json()["list.heading"] == "Отправления FBS"
    oracle.post("/_sandbox/reset")
    assert "<h1>Заказы</h1>" in seller.client.get(LIST_PATH).text


def test_labels_override_should_reach_api_messages(seller: Seller, oracle: httpx.Client,
                                                   editable: dict) -> None:
    oracle.post("/_sandbox/labels", json={"lang": "ru", "key": "error.empty", "text": "Пусто!"})
    assert seller.save(editable["posting_number"], "").json()["message"] == "Пусто!"


def test_labels_override_should_reject_unknown_keys(oracle: httpx.Client) -> None:
    assert oracle.post("/_sandbox/labels", json={"lang": "ru", "key": "no.such", "text": "x"}).status_code == 422
    assert oracle.post("/_sandbox/labels", json={"lang": "de", "key": "list.heading",
                                                 "text": "x"}).status_code == 422


def test_stats_should_count_requests_by_route(seller: Seller, oracle: httpx.Client) -> None:
    for page in (1, 2, 3):
        seller.postings(page=page)
    routes = oracle.get("/_sandbox/stats").json()["routes"]
    figures = routes["GET /api/postings"]
    assert figures["count"] == 3 and figures["median_ms"] >= 0 and figures["p95_ms"] >= figures["median_ms"]
